using System.Text.Json.Nodes;
using Lightning.Core.Callbacks;
using Lightning.Core.Checkpoints;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Logging;
using Lightning.Core.Modules;
using Lightning.Core.Tracking;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Lightning.Core.Training;

/// <summary>
/// The state of one trainer run (fit, validate, test or predict), shared by its loops and shown to callbacks as
/// <see cref="ITrainerView"/>. It also knows how to turn that state into a checkpoint and back.
/// </summary>
internal sealed class RunContext<TBatch> : ITrainerView, IDisposable where TBatch : IBatch<TBatch>
{
    private readonly Dictionary<string, double> _callbackMetrics = [];
    private string? _stopReason;
    private string? _failure;

    public RunContext(TrainerOptions options, LightningModule<TBatch> module, LightningDataModule<TBatch> data,
        IReadOnlyList<Callback> callbacks, ITracker tracker, Device device, CancellationToken interrupt)
    {
        Options = options;
        TypedModule = module;
        Data = data;
        Callbacks = callbacks;
        Tracker = tracker;
        Device = device;
        Interrupt = interrupt;
        Transfer = new BatchTransfer(device, options.Precision.IsBf16 ? ScalarType.BFloat16 : null, device.type == DeviceType.CUDA);
    }

    public TrainerOptions Options { get; }
    public LightningModule<TBatch> TypedModule { get; }
    public LightningDataModule<TBatch> Data { get; }
    public IReadOnlyList<Callback> Callbacks { get; }
    public ITracker Tracker { get; }
    public Device Device { get; }
    public BatchTransfer Transfer { get; }
    public CancellationToken Interrupt { get; }
    public TrainingProgress Progress { get; set; } = new();
    public MetricLog TrainLog { get; } = new();
    public MetricLog EvalLog { get; } = new();
    public OptimizerSetup? Optimization { get; set; }
    public long TrainBatchesPerEpoch { get; set; }
    public LoopKind Loop { get; set; }
    public bool IsSanityChecking { get; set; }

    /// <summary>Set while epoch-end hooks run: a checkpoint then resumes at the next epoch.</summary>
    public bool AtEpochEnd { get; set; }

    public nn.Module Module => TypedModule;
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

    public void LogMetrics(IReadOnlyDictionary<string, double> metrics) => Publish(metrics);

    public void RequestStop(string reason) => _stopReason ??= reason;

    public void Fail(string reason) => _failure ??= reason;

    /// <summary>Records metrics as monitors see them and sends them to the tracker at the current step.</summary>
    public void Publish(IReadOnlyDictionary<string, double> metrics, bool track = true)
    {
        if (metrics.Count == 0) return;
        foreach (var (name, value) in metrics) _callbackMetrics[name] = value;
        if (!track) return;
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var points = metrics.Select(m => new MetricPoint(m.Key, m.Value, GlobalStep, now)).ToList();
        points.Add(new MetricPoint("epoch", CurrentEpoch, GlobalStep, now));
        Tracker.LogMetrics(points);
    }

    public void ReportCheckpoint(string path, double? score)
    {
        foreach (var callback in Callbacks) callback.OnCheckpointSaved(this, path, score);
    }

    public void SaveCheckpoint(string path)
    {
        var (epoch, batch) = AtEpochEnd ? (Progress.Epoch + 1, 0L) : (Progress.Epoch, Progress.BatchInEpoch);
        var state = new JsonObject
        {
            ["format"] = CheckpointFile.Format,
            ["format_version"] = CheckpointFile.FormatVersion,
            ["progress"] = Progress.ToJson(epoch, batch),
            ["train_epoch_sums"] = AtEpochEnd ? new JsonObject() : SumsToJson(TrainLog.EpochSums()),
            ["callback_metrics"] = new JsonObject(_callbackMetrics.Select(m => KeyValuePair.Create(m.Key, JsonNumbers.From(m.Value)))),
            ["callbacks"] = new JsonObject(Callbacks.Select(c => KeyValuePair.Create(c.StateKey, c.StateDict()))),
            ["datamodule"] = Data.StateDict(),
            ["hyper_parameters"] = OptionsFlattener.ToJson(TypedModule.Hyperparameters),
            ["module"] = new JsonObject(),
            ["versions"] = VersionInfo.ToJson(),
            ["run"] = new JsonObject { ["run_id"] = Tracker.RunId, ["tracking_uri"] = Tracker.TrackingUri },
        };
        TypedModule.OnSaveCheckpoint(state["module"]!.AsObject());
        using var scope = NewDisposeScope();
        var rng = random.get_rng_state();
        CheckpointFile.Write(path, new CheckpointContents(
            TypedModule.state_dict(), OptimizerBytes(), rng.data<byte>().ToArray(), state));
    }

    /// <summary>Restores weights, optimizer, scheduler, RNG, loop position and callback state from <paramref name="checkpoint"/>.</summary>
    public void Restore(LoadedCheckpoint checkpoint, bool training)
    {
        checkpoint.LoadWeightsInto(TypedModule);
        if (!training) return;
        Progress = TrainingProgress.FromJson(checkpoint.State["progress"]!.AsObject());
        if (Optimization is { } optimization)
        {
            ReplayScheduler(optimization);
            LoadOptimizer(checkpoint, optimization.Optimizer);
        }
        if (checkpoint.RngState.Length > 0)
        {
            using var rng = tensor(checkpoint.RngState, ScalarType.Byte);
            random.set_rng_state(rng);
        }
        foreach (var (name, value) in checkpoint.State["callback_metrics"]?.AsObject() ?? []) _callbackMetrics[name] = JsonNumbers.Read(value) ?? double.NaN;
        TrainLog.RestoreEpochSums((checkpoint.State["train_epoch_sums"]?.AsObject() ?? [])
            .ToDictionary(p => p.Key, p => (JsonNumbers.Read(p.Value![0]) ?? double.NaN, JsonNumbers.Read(p.Value![1]) ?? 0)));
        var states = checkpoint.State["callbacks"]?.AsObject() ?? [];
        foreach (var callback in Callbacks)
            if (states[callback.StateKey] is { } saved) callback.LoadStateDict(saved);
        if (checkpoint.State["datamodule"] is { } dataState) Data.LoadStateDict(dataState);
        TypedModule.OnLoadCheckpoint(checkpoint.State["module"]?.AsObject() ?? []);
    }

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

    // TorchSharp schedulers have no state dict; replaying the recorded calls rebuilds their state exactly.
    private void ReplayScheduler(OptimizerSetup optimization)
    {
        if (optimization.Scheduler is not { } setup) return;
        foreach (var call in Progress.SchedulerCalls)
        {
            if (call is { } value) setup.Scheduler.step(value);
            else setup.Scheduler.step();
        }
    }

    private byte[]? OptimizerBytes()
    {
        if (Optimizer is not OptimizerHelper helper) return null;
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) helper.save_state_dict(writer);
        return stream.ToArray();
    }

    private static void LoadOptimizer(LoadedCheckpoint checkpoint, Optimizer optimizer)
    {
        if (checkpoint.OptimizerState is null || optimizer is not OptimizerHelper helper) return;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(checkpoint.OptimizerState));
            helper.load_state_dict(reader);
        }
        catch (Exception error) when (error is not CheckpointException)
        {
            throw new CheckpointException(
                $"Checkpoint '{checkpoint.Path}' has optimizer state that does not fit {optimizer.GetType().Name} ({error.Message}). Was the optimizer changed since it was saved?", error);
        }
    }

    private static JsonObject SumsToJson(Dictionary<string, (double Sum, double Weight)> sums) =>
        new(sums.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)new JsonArray(JsonNumbers.From(s.Value.Sum), JsonNumbers.From(s.Value.Weight)))));
}
