using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Distributed;
using Lightning.Core.Logging;
using Lightning.Core.Modules;
using Lightning.Core.Tracking;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Lightning.Core.Training;

/// <summary>
/// The state of one trainer run (fit, validate, test or predict), shared by its loops and shown to callbacks as
/// <see cref="ITrainerView"/>: the state bag and metric publishing. Hooks go through <see cref="Hooks"/>, checkpoints
/// through <see cref="Checkpointing"/>.
/// </summary>
internal sealed class RunContext<TBatch> : ITrainerView, IDisposable where TBatch : IBatch<TBatch>
{
    private readonly Dictionary<string, double> _callbackMetrics = [];
    private string? _stopReason;
    private string? _failure;
    private (int Epoch, long Step)? _batchStart;
    private readonly IProcessGroup _group = new SingleProcessGroup();

    public RunContext(TrainerOptions options, LightningModule<TBatch> module, LightningDataModule<TBatch> data,
        IReadOnlyList<Callback> callbacks, ITracker tracker, Device device, CancellationToken interrupt)
    {
        Options = options;
        Module = module;
        Data = data;
        Callbacks = callbacks;
        Tracker = tracker;
        Device = device;
        Interrupt = interrupt;
        Transfer = new BatchTransfer(device, options.Precision.IsBf16 ? ScalarType.BFloat16 : null, device.type == DeviceType.CUDA);
        DataName = data is ModuleLoaders<TBatch> owned ? owned.Name : data.GetType().Name;
        Hooks = new HookDispatcher<TBatch>(this, callbacks);
        Checkpointing = new CheckpointIO<TBatch>(this);
    }

    public TrainerOptions Options { get; }
    public LightningModule<TBatch> Module { get; }
    public LightningDataModule<TBatch> Data { get; }
    public IReadOnlyList<Callback> Callbacks { get; }
    public HookDispatcher<TBatch> Hooks { get; }
    public CheckpointIO<TBatch> Checkpointing { get; }

    /// <summary>What error messages call the data: the data module's type, or the module when it owns its loaders.</summary>
    public string DataName { get; }
    public ITracker Tracker { get; }
    public Device Device { get; }
    public BatchTransfer Transfer { get; }
    public CancellationToken Interrupt { get; }
    public TrainingProgress Progress { get; set; } = new();
    public MetricLog TrainLog { get; } = new();
    public MetricLog EvalLog { get; } = new();
    public OptimizerSetup? Optimization { get; set; }
    public long TrainBatchesPerEpoch { get; set; }
    public long ValidationBatches { get; set; }
    public LoopKind Loop { get; set; }
    public bool IsSanityChecking { get; set; }

    /// <summary>Set while epoch-end hooks run: a checkpoint then resumes at the next epoch.</summary>
    public bool AtEpochEnd { get; set; }

    nn.Module ITrainerView.Module => Module;
    public Optimizer? Optimizer => Optimization?.Optimizer;
    public int CurrentEpoch => Progress.Epoch;
    public long GlobalStep => Progress.GlobalStep;
    public long BatchInEpoch => Progress.BatchInEpoch;
    public string RunDirectory => Tracker.RunDirectory;
    public IReadOnlyDictionary<string, double> CallbackMetrics => _callbackMetrics;
    public IReadOnlySet<string> ProgressBarNames => TrainLog.ProgressBarNames.Concat(EvalLog.ProgressBarNames).ToHashSet();
    public bool ShouldStop => _stopReason is not null || _failure is not null;
    public string? StopReason => _stopReason;
    public string? Failure => _failure;

    public TextWriter Output { get; init; } = TextWriter.Null;

    /// <summary>The data-parallel ranks this run trains with; a group of one outside ddp.</summary>
    public IProcessGroup Group
    {
        get => _group;
        init
        {
            _group = value;
            TrainLog.Group = value;
            EvalLog.Group = value;
        }
    }

    /// <summary>True when several ranks train together, so the loops shard data and average gradients.</summary>
    public bool IsDistributed => Group.WorldSize > 1;

    public bool IsGlobalZero => Group.Rank == 0;

    public void LogMetrics(IReadOnlyDictionary<string, double> metrics) => Publish(metrics);

    public void RequestStop(string reason) => _stopReason ??= reason;

    public void Fail(string reason) => _failure ??= reason;

    /// <summary>
    /// Records metrics as monitors see them (a <see cref="LoggedMetrics"/> read by its <see cref="LoggedMetrics.Callback"/>
    /// share) and sends them to the tracker at <see cref="LogStep"/>, with the epoch, as Lightning's loggers get them.
    /// </summary>
    public void Publish(IReadOnlyDictionary<string, double> metrics)
    {
        if (metrics.Count == 0) return;
        var seen = metrics is LoggedMetrics logged ? logged.Callback : metrics;
        foreach (var (name, value) in seen) _callbackMetrics[name] = value;
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var step = LogStep;
        var points = metrics.Select(m => new MetricPoint(m.Key, m.Value, step, now)).ToList();
        points.Add(new MetricPoint("epoch", CurrentEpoch, step, now));
        Tracker.LogMetrics(points);
    }

    /// <summary>
    /// Sends one evaluation batch's step values to the tracker at <paramref name="step"/>, the evaluation loop's own batch
    /// counter, without an epoch: Lightning logs them so, and monitors never see them.
    /// </summary>
    public void PublishEvaluationStep(IReadOnlyDictionary<string, double> metrics, long step)
    {
        if (metrics.Count == 0) return;
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        Tracker.LogMetrics([.. metrics.Select(m => new MetricPoint(m.Key, m.Value, step, now))]);
    }

    /// <summary>
    /// The step rows are logged at, Lightning's <c>_batches_that_stepped</c>: the optimizer steps done before the current
    /// batch's own step. A batch's step values, a validation right after it and its epoch's end share that number
    /// (log_every_n_steps 50 logs at 49, 99 ...); the next epoch, or a test after fit, logs at the global step.
    /// </summary>
    public long LogStep => _batchStart is { } start && start.Epoch == Progress.Epoch ? start.Step : Progress.GlobalStep;

    /// <summary>Starts a training batch: its size weighs epoch means; <paramref name="captureStep"/> keeps its step values.</summary>
    public void BeginTrainBatch(long batchSize, bool captureStep)
    {
        _batchStart = (Progress.Epoch, Progress.GlobalStep);
        TrainLog.BeginBatch(batchSize, captureStep);
    }

    public void ReportCheckpoint(string path, double? score) => Hooks.CheckpointSaved(path, score);

    /// <summary>Sets one monitored value without tracking it (a restored checkpoint's metrics).</summary>
    public void SetCallbackMetric(string name, double value) => _callbackMetrics[name] = value;

    public void SaveCheckpoint(string path) => Checkpointing.Save(path);

    public void StepScheduler(double? monitored)
    {
        if (Optimization?.Scheduler is not { } setup) return;
        if (monitored is { } value) setup.Scheduler.step(value);
        else setup.Scheduler.step();
        Progress.SchedulerCalls.Add(monitored);
    }

    public void Dispose()
    {
        TrainLog.Dispose();
        EvalLog.Dispose();
    }
}
