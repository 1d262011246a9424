using Lightning.Core.Configuration;

namespace Lightning.Core.Training;

/// <summary>How the trainer runs: loop length, data fractions, validation cadence, optimization, hardware. Section <c>trainer</c>.</summary>
public sealed record TrainerOptions : IValidatableOptions
{
    /// <summary>Epochs to train. Default: 1000 when <see cref="MaxSteps"/> is -1, otherwise unlimited; allowed 1 or more.</summary>
    public int? MaxEpochs { get; init; }

    /// <summary>Epochs to train before early stopping may stop. Default 0.</summary>
    public int MinEpochs { get; init; }

    /// <summary>Optimizer steps to train; -1 (default) for no limit.</summary>
    public long MaxSteps { get; init; } = -1;

    /// <summary>Wall-clock limit as DD:HH:MM:SS (or HH:MM:SS); null (default) for none.</summary>
    public TimeSpan? MaxTime { get; init; }

    /// <summary>Training batches per epoch: fraction or count. Default 1.0.</summary>
    public BatchLimit LimitTrainBatches { get; init; } = BatchLimit.All;

    /// <summary>Validation batches per run: fraction or count. Default 1.0.</summary>
    public BatchLimit LimitValBatches { get; init; } = BatchLimit.All;

    /// <summary>Test batches: fraction or count. Default 1.0.</summary>
    public BatchLimit LimitTestBatches { get; init; } = BatchLimit.All;

    /// <summary>Prediction batches: fraction or count. Default 1.0.</summary>
    public BatchLimit LimitPredictBatches { get; init; } = BatchLimit.All;

    /// <summary>
    /// Validate every this fraction of an epoch, or every this many training batches (counted across epochs when
    /// <see cref="CheckValEveryNEpoch"/> is null). Default 1.0 (once, at epoch end).
    /// </summary>
    public BatchLimit ValCheckInterval { get; init; } = BatchLimit.All;

    /// <summary>Validate in every n-th epoch; null validates every <see cref="ValCheckInterval"/> batches across epochs. Default 1.</summary>
    public int? CheckValEveryNEpoch { get; init; } = 1;

    /// <summary>Validation batches run before training to catch bugs early; -1 for all, 0 for none. Default 2.</summary>
    public int NumSanityValSteps { get; init; } = 2;

    /// <summary>Batches whose gradients are summed before each optimizer step. Default 1.</summary>
    public int AccumulateGradBatches { get; init; } = 1;

    /// <summary>Clip gradients at this value; null (default) for no clipping.</summary>
    public double? GradientClipVal { get; init; }

    /// <summary>Clip by total norm (default) or by value.</summary>
    public ClipAlgorithm GradientClipAlgorithm { get; init; } = ClipAlgorithm.Norm;

    /// <summary>Smoke run of n batches per loop with checkpointing, early stopping and tracking off. Default false.</summary>
    public FastDevRun FastDevRun { get; init; }

    /// <summary>Train (and validate) on the same first batches, unshuffled, to check the model can overfit. Default 0 (off).</summary>
    public BatchLimit OverfitBatches { get; init; } = BatchLimit.None;

    /// <summary>Log step values every n optimizer steps. Default 50.</summary>
    public int LogEveryNSteps { get; init; } = 50;

    /// <summary>Seed for the global RNG and the loaders' shuffles; null (default) draws one and records it.</summary>
    public long? Seed { get; init; }

    /// <summary>auto (default), cpu or cuda.</summary>
    public AcceleratorKind Accelerator { get; init; } = AcceleratorKind.Auto;

    /// <summary>auto (default: ddp when mpirun or srun started this process as one rank of several), single or ddp.</summary>
    public TrainingStrategy Strategy { get; init; } = TrainingStrategy.Auto;

    /// <summary>
    /// Devices per node, one process each: a plain process asked for more than 1 (with strategy auto or ddp) starts
    /// itself that many times under mpirun. Default auto: 1, or what the launcher started. Rank r uses CUDA device
    /// r's local rank.
    /// </summary>
    public DeviceCount Devices { get; init; } = DeviceCount.Auto;

    /// <summary>Nodes of a data-parallel job; more than 1 needs a cluster launcher (srun, mpirun with a host file). Default 1.</summary>
    public int NumNodes { get; init; } = 1;

    /// <summary>32 (default) or bf16-true.</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Full;

    /// <summary>Intra-op threads; null (default) for the number of physical cores.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Leave the module's learning-rate scheduler out (the LR finder sets the rate itself each step, as Lightning's replaces
    /// the schedulers; a plateau scheduler would wait for a validation metric the finder never computes).
    /// </summary>
    internal bool WithoutScheduler { get; init; }

    /// <summary>Folder for logs and checkpoints. Default: the current folder.</summary>
    public string DefaultRootDir { get; init; } = ".";

    /// <summary>Add a default ModelCheckpoint when none is configured. Default true.</summary>
    public bool EnableCheckpointing { get; init; } = true;

    /// <summary>Show progress. Default true.</summary>
    public bool EnableProgressBar { get; init; } = true;

    /// <summary>Print the model summary at fit start. Default true.</summary>
    public bool EnableModelSummary { get; init; } = true;

    /// <summary>The epoch cap in force: <see cref="MaxEpochs"/>, else 1000 without a step limit, else none.</summary>
    public int EffectiveMaxEpochs => MaxEpochs ?? (MaxSteps < 0 ? 1000 : int.MaxValue);

    /// <inheritdoc />
    public void Validate(ConfigErrors errors)
    {
        if (MaxEpochs is < 1) errors.Add(nameof(MaxEpochs), MaxEpochs, "must be a whole number of epochs, 1 or more (or unset).");
        if (MinEpochs < 0) errors.Add(nameof(MinEpochs), MinEpochs, "must be 0 or more.");
        if (MaxEpochs is { } max and >= 1 && MinEpochs > max) errors.Add(nameof(MinEpochs), MinEpochs, $"must not exceed max_epochs ({max}).");
        if (MaxSteps < -1) errors.Add(nameof(MaxSteps), MaxSteps, "must be -1 (no limit) or 0 or more.");
        if (MaxTime is { } time && time <= TimeSpan.Zero) errors.Add(nameof(MaxTime), time, "must be a positive duration as DD:HH:MM:SS.");
        if (ValCheckInterval.IsZero)
            errors.Add(nameof(ValCheckInterval), ValCheckInterval, "must be above 0: a fraction of an epoch or a number of batches.");
        if (CheckValEveryNEpoch is < 1)
            errors.Add(nameof(CheckValEveryNEpoch), CheckValEveryNEpoch, "must be 1 or more, or null to count val_check_interval across epochs.");
        // As Lightning: counting across epochs needs a count; a fraction of "an epoch" would silently mean once per epoch.
        if (CheckValEveryNEpoch is null && ValCheckInterval.Fraction is not null)
            errors.Add(nameof(ValCheckInterval), ValCheckInterval,
                "must be a whole number of training batches when check_val_every_n_epoch is null (validation then counts batches across epochs).");
        if (NumSanityValSteps < -1) errors.Add(nameof(NumSanityValSteps), NumSanityValSteps, "must be -1 (all), 0 (none) or a number of batches.");
        if (AccumulateGradBatches < 1) errors.Add(nameof(AccumulateGradBatches), AccumulateGradBatches, "must be 1 or more.");
        if (GradientClipVal is { } clip && (clip <= 0 || !double.IsFinite(clip)))
            errors.Add(nameof(GradientClipVal), clip, "must be a positive number (or unset for no clipping).");
        if (LogEveryNSteps < 1) errors.Add(nameof(LogEveryNSteps), LogEveryNSteps, "must be 1 or more.");
        if (NumNodes < 1) errors.Add(nameof(NumNodes), NumNodes, "must be 1 or more.");
        if (Strategy == TrainingStrategy.Single && Devices.PerNode * NumNodes > 1)
            errors.Add(nameof(Strategy), "single", $"cannot use {Devices.PerNode * NumNodes} devices (devices {Devices} x num_nodes {NumNodes}): " +
                "set strategy to ddp or auto, or devices and num_nodes to 1.");
        if (Threads is < 1) errors.Add(nameof(Threads), Threads, "must be 1 or more (or unset for the number of physical cores).");
        if (string.IsNullOrWhiteSpace(DefaultRootDir)) errors.Add(nameof(DefaultRootDir), DefaultRootDir, "must name a folder.");
    }
}
