using System.Globalization;
using System.Text;
using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Shows training progress: in a terminal a live line redrawn at most ten times a second; in redirected output
/// (build logs, CI, Slurm) a plain line every <see cref="ProgressBarOptions.PlainInterval"/> inside an epoch, so a
/// long epoch is never silent, and one line at its end (no carriage-return spam in logs). Values are those logged
/// with <c>ProgressBar = true</c>, read only when they are logged anyway, so the bar adds no device syncs.
/// </summary>
/// <param name="output">Where progress goes.</param>
/// <param name="mode">Live, plain or off.</param>
/// <param name="options">Interval and clock; default: <see cref="ProgressBarOptions.FromEnvironment"/>.</param>
public sealed class ProgressBar(TextWriter output, ProgressMode mode, ProgressBarOptions? options = null) : Callback
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(100);
    private readonly ProgressBarOptions _options = options ?? ProgressBarOptions.FromEnvironment();
    private long _epochStart;
    private long _epochStartBatch;
    private long _lastLine;

    /// <summary>The mode in force.</summary>
    public ProgressMode Mode => mode;

    /// <inheritdoc />
    public override void OnTrainEpochStart(ITrainerView trainer)
    {
        _epochStart = _lastLine = _options.Clock.GetTimestamp();
        // A resumed epoch starts part-way: the rate counts only the batches this process trains.
        _epochStartBatch = trainer.BatchInEpoch;
    }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(ITrainerView trainer, TorchSharp.torch.Tensor loss, long batchIndex, long batchSize)
    {
        var interval = mode switch
        {
            ProgressMode.Rich => Refresh,
            ProgressMode.Plain when _options.PlainInterval > TimeSpan.Zero => _options.PlainInterval,
            _ => TimeSpan.MaxValue,
        };
        if (interval == TimeSpan.MaxValue || _options.Clock.GetElapsedTime(_lastLine) < interval) return;
        _lastLine = _options.Clock.GetTimestamp();
        if (mode == ProgressMode.Rich) output.Write($"\r{Line(trainer, bar: true)}\u001b[K");
        else output.WriteLine(Line(trainer, bar: false));
        output.Flush();
    }

    /// <inheritdoc />
    public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics)
    {
        // Resumed from a checkpoint saved after the epoch's last batch: its line was printed by the run that trained it.
        if (mode == ProgressMode.Off || _epochStartBatch > 0 && trainer.BatchInEpoch == _epochStartBatch) return;
        var seconds = _options.Clock.GetElapsedTime(_epochStart).TotalSeconds;
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

    /// <summary>"Epoch 2/10 120/500 [=====     ] 24.1 it/s ETA 0:16 train_loss=0.31" (the bar only when live).</summary>
    private string Line(ITrainerView trainer, bool bar)
    {
        var done = trainer.BatchInEpoch;
        var total = Math.Max(1, trainer.TrainBatchesPerEpoch);
        var rate = (done - _epochStartBatch) / Math.Max(1e-9, _options.Clock.GetElapsedTime(_epochStart).TotalSeconds);
        var eta = rate > 0 ? Duration((total - done) / rate) : "?";
        const int width = 20;
        var filled = (int)Math.Clamp(width * done / total, 0, width);
        var drawn = bar ? $" [{new string('=', filled)}{new string(' ', width - filled)}]" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"Epoch {trainer.CurrentEpoch + 1}/{EpochCap(trainer)} {done}/{total}{drawn} {rate:F1} it/s ETA {eta} {Values(trainer)}").TrimEnd();
    }

    private static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalHours}:{span.Minutes:D2}:{span.Seconds:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}:{span.Seconds:D2}");
    }

    private static string EpochCap(ITrainerView trainer) =>
        trainer.Options.EffectiveMaxEpochs == int.MaxValue ? "?" : trainer.Options.EffectiveMaxEpochs.ToString(CultureInfo.InvariantCulture);

    private static string Values(ITrainerView trainer)
    {
        var metrics = trainer.CallbackMetrics;
        // A value logged on step and epoch shows as name_step and name_epoch, as in Lightning, not a third time by its
        // plain name (which monitors see).
        var distinct = metrics.Where(m => !metrics.ContainsKey(m.Key + "_step") && !metrics.ContainsKey(m.Key + "_epoch"));
        var shown = trainer.ProgressBarNames.Count > 0
            ? distinct.Where(m => trainer.ProgressBarNames.Any(n => m.Key == n || m.Key == n + "_step" || m.Key == n + "_epoch"))
            : distinct;
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
