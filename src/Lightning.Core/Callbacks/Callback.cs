using System.Text.Json.Nodes;
using Lightning.Core.Data;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Engineering that is not part of the model (checkpoints, early stopping, progress, monitors). Each hook is a typed
/// virtual method; as in PyTorch Lightning, callbacks run before the module's hook of the same name (except that
/// checkpointing and early stopping see <c>OnTrainEpochEnd</c> after the module, so they can monitor what it logs).
/// </summary>
public abstract class Callback
{
    /// <summary>Key of this callback's state in checkpoints; unique per configuration. Default: the type name.</summary>
    public virtual string StateKey => GetType().Name;

    /// <summary>Called when a fit, validate, test or predict run starts, after the data module's setup.</summary>
    public virtual void Setup(ITrainerView trainer, Stage stage) { }
    /// <summary>Called when a run ends, after the data module's teardown, whatever the outcome.</summary>
    public virtual void Teardown(ITrainerView trainer, Stage stage) { }
    /// <summary>Called when fit starts, after restore.</summary>
    public virtual void OnFitStart(ITrainerView trainer) { }
    /// <summary>Called when fit ends, whatever the outcome.</summary>
    public virtual void OnFitEnd(ITrainerView trainer) { }
    /// <summary>Called before the sanity check.</summary>
    public virtual void OnSanityCheckStart(ITrainerView trainer) { }
    /// <summary>Called after the sanity check.</summary>
    public virtual void OnSanityCheckEnd(ITrainerView trainer) { }
    /// <summary>Called before the first training epoch.</summary>
    public virtual void OnTrainStart(ITrainerView trainer) { }
    /// <summary>Called after the last training epoch.</summary>
    public virtual void OnTrainEnd(ITrainerView trainer) { }
    /// <summary>Called at the start of each training epoch.</summary>
    public virtual void OnTrainEpochStart(ITrainerView trainer) { }
    /// <summary>Called at the end of each training epoch with its epoch metrics.</summary>
    public virtual void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics) { }
    /// <summary>Called before each training batch.</summary>
    public virtual void OnTrainBatchStart(ITrainerView trainer, long batchIndex) { }
    /// <summary>Called after each training batch; <paramref name="loss"/> stays on the device (reading it syncs).</summary>
    public virtual void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize) { }
    /// <summary>Called when a validation run starts.</summary>
    public virtual void OnValidationStart(ITrainerView trainer) { }
    /// <summary>Called when a validation run ends with its epoch metrics (monitors act here).</summary>
    public virtual void OnValidationEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics) { }
    /// <summary>Called at the start of a validation epoch, after <see cref="OnValidationStart"/>.</summary>
    public virtual void OnValidationEpochStart(ITrainerView trainer) { }
    /// <summary>Called at the end of a validation epoch, before its metrics are read.</summary>
    public virtual void OnValidationEpochEnd(ITrainerView trainer) { }
    /// <summary>Called before each validation batch.</summary>
    public virtual void OnValidationBatchStart(ITrainerView trainer, long batchIndex) { }
    /// <summary>Called after each validation batch.</summary>
    public virtual void OnValidationBatchEnd(ITrainerView trainer, long batchIndex) { }
    /// <summary>Called when a test run starts.</summary>
    public virtual void OnTestStart(ITrainerView trainer) { }
    /// <summary>Called at the start of a test epoch, after <see cref="OnTestStart"/>.</summary>
    public virtual void OnTestEpochStart(ITrainerView trainer) { }
    /// <summary>Called at the end of a test epoch, before its metrics are read.</summary>
    public virtual void OnTestEpochEnd(ITrainerView trainer) { }
    /// <summary>Called before each test batch.</summary>
    public virtual void OnTestBatchStart(ITrainerView trainer, long batchIndex) { }
    /// <summary>Called after each test batch.</summary>
    public virtual void OnTestBatchEnd(ITrainerView trainer, long batchIndex) { }
    /// <summary>Called when a test run ends with its metrics.</summary>
    public virtual void OnTestEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics) { }
    /// <summary>Called when prediction starts.</summary>
    public virtual void OnPredictStart(ITrainerView trainer) { }
    /// <summary>Called when prediction ends.</summary>
    public virtual void OnPredictEnd(ITrainerView trainer) { }
    /// <summary>Called before <c>loss.backward()</c>.</summary>
    public virtual void OnBeforeBackward(ITrainerView trainer, Tensor loss) { }
    /// <summary>Called after <c>loss.backward()</c>.</summary>
    public virtual void OnAfterBackward(ITrainerView trainer) { }
    /// <summary>Called before the optimizer steps, with the gradients not yet clipped (clipping follows).</summary>
    public virtual void OnBeforeOptimizerStep(ITrainerView trainer) { }
    /// <summary>Called before gradients are zeroed: after the training step that opens an accumulation window, before its backward.</summary>
    public virtual void OnBeforeZeroGrad(ITrainerView trainer) { }
    /// <summary>Called when the run is being stopped by an exception; <paramref name="error"/> is it.</summary>
    public virtual void OnException(ITrainerView trainer, Exception error) { }
    /// <summary>Called when a stop request (signal, max_time, callback) ends training early, before fit ends.</summary>
    public virtual void OnInterrupt(ITrainerView trainer) { }
    /// <summary>Called after a checkpoint was kept, with its path and monitored score.</summary>
    public virtual void OnCheckpointSaved(ITrainerView trainer, string path, double? score) { }
    /// <summary>State to save in checkpoints; null for none.</summary>
    public virtual JsonNode? StateDict() => null;
    /// <summary>Restores what <see cref="StateDict"/> returned.</summary>
    public virtual void LoadStateDict(JsonNode state) { }
}
