using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Shows training progress: in a terminal a live line redrawn at most ten times a second; in redirected output one
/// plain line per epoch (no carriage-return spam in logs). Values are those logged with <c>ProgressBar = true</c>,
/// read only when they are logged anyway, so the bar adds no device syncs.
/// </summary>
public sealed class ProgressBar(TextWriter output, ProgressMode mode) : Callback
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(100);
    private long _epochStart;
    private long _lastDraw;

    /// <summary>The mode in force.</summary>
    public ProgressMode Mode => mode;

    /// <inheritdoc />
    public override void OnTrainEpochStart(ITrainerView trainer) => _epochStart = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public override void OnTrainBatchEnd(ITrainerView trainer, TorchSharp.torch.Tensor loss, long batchIndex, long batchSize)
    {
        if (mode != ProgressMode.Rich || Stopwatch.GetElapsedTime(_lastDraw) < Refresh) return;
        _lastDraw = Stopwatch.GetTimestamp();
        var done = trainer.BatchInEpoch;
        var total = Math.Max(1, trainer.TrainBatchesPerEpoch);
        var width = 20;
        var filled = (int)(width * done / total);
        var rate = done / Math.Max(1e-9, Stopwatch.GetElapsedTime(_epochStart).TotalSeconds);
        output.Write(string.Create(CultureInfo.InvariantCulture,
            $"\rEpoch {trainer.CurrentEpoch + 1}/{EpochCap(trainer)} {done}/{total} [{new string('=', filled)}{new string(' ', width - filled)}] {rate:F1} it/s {Values(trainer)}\u001b[K"));
        output.Flush();
    }

    /// <inheritdoc />
    public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics)
    {
        if (mode == ProgressMode.Off) return;
        var seconds = Stopwatch.GetElapsedTime(_epochStart).TotalSeconds;
        var prefix = mode == ProgressMode.Rich ? "\r" : "";
        var clear = mode == ProgressMode.Rich ? "\u001b[K" : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{prefix}Epoch {trainer.CurrentEpoch + 1}/{EpochCap(trainer)} step {trainer.GlobalStep}: {Values(trainer)} ({seconds:F1} s){clear}"));
        output.Flush();
    }

    /// <inheritdoc />
    public override void OnTestEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics)
    {
        if (mode == ProgressMode.Off) return;
        output.WriteLine("Test: " + Format(metrics));
    }

    private static string EpochCap(ITrainerView trainer) =>
        trainer.Options.EffectiveMaxEpochs == int.MaxValue ? "?" : trainer.Options.EffectiveMaxEpochs.ToString(CultureInfo.InvariantCulture);

    private static string Values(ITrainerView trainer)
    {
        var shown = trainer.ProgressBarNames.Count > 0
            ? trainer.CallbackMetrics.Where(m => trainer.ProgressBarNames.Any(n => m.Key == n || m.Key == n + "_step" || m.Key == n + "_epoch"))
            : trainer.CallbackMetrics;
        return Format(shown);
    }

    private static string Format(IEnumerable<KeyValuePair<string, double>> metrics)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            builder.Append(CultureInfo.InvariantCulture, $"{name}={value:G4} ");
        return builder.ToString().TrimEnd();
    }
}
