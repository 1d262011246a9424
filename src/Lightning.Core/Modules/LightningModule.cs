using System.Text.Json.Nodes;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Logging;
using Lightning.Core.Metrics;
using Lightning.Core.Native;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Modules;

/// <summary>
/// The science of a project: the model, what one step computes and logs, and how it is optimized. The trainer owns
/// the loop and calls the typed hooks in PyTorch Lightning 2.x's order (pinned by HookOrderTests); override what you need.
/// </summary>
/// <typeparam name="TBatch">The batch type the steps take.</typeparam>
public abstract partial class LightningModule<TBatch> : nn.Module where TBatch : IBatch<TBatch>
{
    private MetricLog? _log;
    private Dictionary<string, object?> _hyperparameters = [];

    /// <summary>Creates the module; <paramref name="name"/> names it in summaries.</summary>
    protected LightningModule(string name) : base(name) => TorchNative.EnsureLoadable();

    /// <summary>The trainer running this module, or null outside a run.</summary>
    public ITrainerView? Trainer { get; internal set; }

    /// <summary>The device the module was placed on.</summary>
    public Device Device { get; internal set; } = CPU;

    /// <summary>Hyperparameters recorded for tracking and checkpoints (see <see cref="SaveHyperparameters"/>).</summary>
    public IReadOnlyDictionary<string, object?> Hyperparameters => _hyperparameters;

    /// <summary>Records <paramref name="hyperparameters"/> (an options record or a dictionary) for tracking and checkpoints.</summary>
    public void SaveHyperparameters(object hyperparameters) =>
        _hyperparameters = OptionsFlattener.ToDictionary(hyperparameters);

    /// <summary>One training step: returns the loss the trainer backpropagates.</summary>
    public abstract Tensor TrainingStep(TBatch batch, long batchIndex);

    /// <summary>One validation step; log what you measure. Default: none.</summary>
    public virtual void ValidationStep(TBatch batch, long batchIndex) { }

    /// <summary>One test step; log what you measure. Default: none.</summary>
    public virtual void TestStep(TBatch batch, long batchIndex) { }

    /// <summary>One prediction step: returns the predictions for the batch.</summary>
    public virtual Tensor PredictStep(TBatch batch, long batchIndex) =>
        throw new NotSupportedException($"{GetType().Name} does not override PredictStep, so it cannot predict.");

    /// <summary>
    /// Training batches, when the module owns its data (Lightning's <c>train_dataloader</c>); used by
    /// <c>Trainer.Fit(module)</c>. Default: none.
    /// </summary>
    public virtual IBatchLoader<TBatch>? TrainLoader() => null;

    /// <summary>Validation batches, when the module owns its data. Default: none.</summary>
    public virtual IBatchLoader<TBatch>? ValidationLoader() => null;

    /// <summary>Test batches, when the module owns its data. Default: none.</summary>
    public virtual IBatchLoader<TBatch>? TestLoader() => null;

    /// <summary>Prediction batches, when the module owns its data. Default: none.</summary>
    public virtual IBatchLoader<TBatch>? PredictLoader() => null;

    /// <summary>The optimizer (and scheduler) for training.</summary>
    public abstract OptimizerSetup ConfigureOptimizers();

    /// <summary>Logs a tensor value (kept on the device; read once per logging interval).</summary>
    public void Log(string name, Tensor value, LogOptions? options = null) => ActiveLog(name).Log(name, value, options ?? new LogOptions());

    /// <summary>Logs a host value.</summary>
    public void Log(string name, double value, LogOptions? options = null) => ActiveLog(name).Log(name, value, options ?? new LogOptions());

    /// <summary>Logs a metric object: the trainer computes it at epoch end and resets it.</summary>
    public void Log(string name, Metric metric, LogOptions? options = null) => ActiveLog(name).Log(name, metric, options ?? new LogOptions());

    internal void Attach(MetricLog log) => _log = log;

    private MetricLog ActiveLog(string name) => _log ?? throw new InvalidOperationException(
        $"Log('{name}') was called outside a trainer hook; values can be logged from steps and hooks while the trainer runs.");
}
