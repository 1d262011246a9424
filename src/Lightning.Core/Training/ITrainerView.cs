using Lightning.Core.Tracking;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Lightning.Core.Training;

/// <summary>What callbacks and modules may read of a running trainer, and the few requests they may make of it.</summary>
public interface ITrainerView
{
    /// <summary>The options in force (after fast_dev_run adjustments).</summary>
    TrainerOptions Options { get; }

    /// <summary>Zero-based epoch being trained.</summary>
    int CurrentEpoch { get; }

    /// <summary>Optimizer steps taken so far.</summary>
    long GlobalStep { get; }

    /// <summary>Training batches of the current epoch already done.</summary>
    long BatchInEpoch { get; }

    /// <summary>Training batches per epoch after limits.</summary>
    long TrainBatchesPerEpoch { get; }

    /// <summary>Batches each validation of this fit runs, after limits; 0 when the fit does not validate.</summary>
    long ValidationBatches { get; }

    /// <summary>The loop running now.</summary>
    LoopKind Loop { get; }

    /// <summary>Whether the validation running now is the sanity check (its metrics are not logged).</summary>
    bool IsSanityChecking { get; }

    /// <summary>The latest value of every logged metric (step and epoch values), as monitors see them.</summary>
    IReadOnlyDictionary<string, double> CallbackMetrics { get; }

    /// <summary>Names logged with the progress-bar flag.</summary>
    IReadOnlySet<string> ProgressBarNames { get; }

    /// <summary>The module being run.</summary>
    nn.Module Module { get; }

    /// <summary>The optimizer, during fit.</summary>
    Optimizer? Optimizer { get; }

    /// <summary>The device the module runs on.</summary>
    Device Device { get; }

    /// <summary>Where runs are recorded.</summary>
    ITracker Tracker { get; }

    /// <summary>The run's local folder: checkpoints go under it by default.</summary>
    string RunDirectory { get; }

    /// <summary>
    /// True on rank 0 of a data-parallel fit and in a single process, as Lightning's <c>trainer.is_global_zero</c>:
    /// only that process writes files, so a callback that writes or deletes them checks it.
    /// </summary>
    bool IsGlobalZero => true;

    /// <summary>Whether a stop was requested (by a callback, max_time or a signal).</summary>
    bool ShouldStop { get; }

    /// <summary>Why the run failed (<see cref="Fail"/>), or null; a fit-end callback tells a failed fit from a finished one by it.</summary>
    string? Failure => null;

    /// <summary>Asks the trainer to stop after the current step; <paramref name="reason"/> is reported.</summary>
    void RequestStop(string reason);

    /// <summary>Asks the trainer to stop with a failure, e.g. a non-finite loss.</summary>
    void Fail(string reason);

    /// <summary>Writes a full checkpoint (weights, optimizer, loop position, RNG, callback state) to <paramref name="path"/>, atomically.</summary>
    void SaveCheckpoint(string path);

    /// <summary>Records metrics (as monitors see them) and sends them to the tracker at the current step.</summary>
    void LogMetrics(IReadOnlyDictionary<string, double> metrics);

    /// <summary>Where callbacks write human-readable output (progress, summaries, warnings).</summary>
    TextWriter Output { get; }

    /// <summary>Announces a checkpoint a callback kept, so observers (events file, tracker) hear of it.</summary>
    void ReportCheckpoint(string path, double? score);
}
