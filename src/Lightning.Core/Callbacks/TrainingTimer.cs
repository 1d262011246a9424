using System.Globalization;
using System.Text.Json.Nodes;
using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Stops training after a wall-clock duration (what <c>trainer.max_time</c> installs); Lightning calls it Timer.
/// Time already trained is saved in checkpoints, so a resumed run gets only the remainder.
/// </summary>
public sealed class TrainingTimer(TimeSpan duration, TimeProvider? time = null) : Callback
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private TimeSpan _before;
    private long _started;

    /// <summary>Time trained, including time before a resume.</summary>
    public TimeSpan Elapsed => _before + _time.GetElapsedTime(_started);

    /// <inheritdoc />
    public override void OnTrainStart(ITrainerView trainer) => _started = _time.GetTimestamp();

    /// <inheritdoc />
    public override void OnTrainBatchEnd(ITrainerView trainer, TorchSharp.torch.Tensor loss, long batchIndex, long batchSize)
    {
        if (Elapsed >= duration)
            trainer.RequestStop($"Time limit {duration.ToString(@"d\:hh\:mm\:ss", CultureInfo.InvariantCulture)} reached.");
    }

    /// <inheritdoc />
    public override JsonNode? StateDict() => new JsonObject { ["elapsed_seconds"] = Elapsed.TotalSeconds };

    /// <inheritdoc />
    public override void LoadStateDict(JsonNode state) =>
        _before = TimeSpan.FromSeconds(state["elapsed_seconds"]?.GetValue<double>() ?? 0);
}
