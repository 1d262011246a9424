using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>Logs <c>throughput/samples_per_sec</c> and <c>throughput/batches_per_sec</c> over each logging interval.</summary>
public sealed class ThroughputMonitor(TimeProvider? time = null) : Callback
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _since;
    private long _samples;
    private long _batches;

    /// <inheritdoc />
    public override void OnTrainStart(ITrainerView trainer) => _since = _time.GetTimestamp();

    /// <inheritdoc />
    public override void OnTrainBatchEnd(ITrainerView trainer, TorchSharp.torch.Tensor loss, long batchIndex, long batchSize)
    {
        _samples += batchSize;
        _batches++;
        if (trainer.GlobalStep == 0 || trainer.GlobalStep % trainer.Options.LogEveryNSteps != 0 || batchIndex + 1 != trainer.BatchInEpoch) return;
        var seconds = _time.GetElapsedTime(_since).TotalSeconds;
        if (seconds <= 0) return;
        trainer.LogMetrics(new Dictionary<string, double>
        {
            ["throughput/samples_per_sec"] = _samples / seconds,
            ["throughput/batches_per_sec"] = _batches / seconds,
        });
        _since = _time.GetTimestamp();
        _samples = 0;
        _batches = 0;
    }
}
