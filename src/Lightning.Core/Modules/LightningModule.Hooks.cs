using System.Text.Json.Nodes;
using Lightning.Core.Data;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Lightning.Core.Modules;

public abstract partial class LightningModule<TBatch>
{
    /// <summary>Called when a run starts, after the data module's and the callbacks' setup (Lightning's <c>setup</c>).</summary>
    public virtual void Setup(Stage stage) { }
    /// <summary>Called when a run ends, after the callbacks' teardown, whatever the outcome.</summary>
    public virtual void Teardown(Stage stage) { }
    /// <summary>Called once when fit starts, after setup and restore.</summary>
    public virtual void OnFitStart() { }
    /// <summary>Called once when fit ends.</summary>
    public virtual void OnFitEnd() { }
    /// <summary>Called before the first training epoch.</summary>
    public virtual void OnTrainStart() { }
    /// <summary>Called after the last training epoch.</summary>
    public virtual void OnTrainEnd() { }
    /// <summary>Called at the start of each training epoch.</summary>
    public virtual void OnTrainEpochStart() { }
    /// <summary>
    /// Called at the end of each training epoch, after epoch metrics are computed; values logged here are epoch values
    /// that checkpointing and early stopping can monitor.
    /// </summary>
    public virtual void OnTrainEpochEnd() { }
    /// <summary>Called before each training batch's step.</summary>
    public virtual void OnTrainBatchStart(TBatch batch, long batchIndex) { }
    /// <summary>Called after each training batch (after the optimizer step when one happened).</summary>
    public virtual void OnTrainBatchEnd(Tensor loss, TBatch batch, long batchIndex) { }
    /// <summary>Called when a validation run starts (also the sanity check).</summary>
    public virtual void OnValidationStart() { }
    /// <summary>Called when a validation run ends.</summary>
    public virtual void OnValidationEnd() { }
    /// <summary>Called at the start of a validation epoch.</summary>
    public virtual void OnValidationEpochStart() { }
    /// <summary>Called at the end of a validation epoch; values logged here join its epoch metrics.</summary>
    public virtual void OnValidationEpochEnd() { }
    /// <summary>Called before each validation batch's step.</summary>
    public virtual void OnValidationBatchStart(TBatch batch, long batchIndex) { }
    /// <summary>Called after each validation batch's step.</summary>
    public virtual void OnValidationBatchEnd(TBatch batch, long batchIndex) { }
    /// <summary>Called when a test run starts.</summary>
    public virtual void OnTestStart() { }
    /// <summary>Called when a test run ends.</summary>
    public virtual void OnTestEnd() { }
    /// <summary>Called at the start of a test epoch.</summary>
    public virtual void OnTestEpochStart() { }
    /// <summary>Called at the end of a test epoch; values logged here join its epoch metrics.</summary>
    public virtual void OnTestEpochEnd() { }
    /// <summary>Called before each test batch's step.</summary>
    public virtual void OnTestBatchStart(TBatch batch, long batchIndex) { }
    /// <summary>Called after each test batch's step.</summary>
    public virtual void OnTestBatchEnd(TBatch batch, long batchIndex) { }
    /// <summary>Called when prediction starts.</summary>
    public virtual void OnPredictStart() { }
    /// <summary>Called when prediction ends.</summary>
    public virtual void OnPredictEnd() { }
    /// <summary>Called before <c>loss.backward()</c>.</summary>
    public virtual void OnBeforeBackward(Tensor loss) { }
    /// <summary>Called after <c>loss.backward()</c>.</summary>
    public virtual void OnAfterBackward() { }
    /// <summary>Called before the optimizer steps, with the gradients not yet clipped (clipping follows).</summary>
    public virtual void OnBeforeOptimizerStep(Optimizer optimizer) { }
    /// <summary>Called before gradients are zeroed: after the training step that opens an accumulation window, before its backward.</summary>
    public virtual void OnBeforeZeroGrad(Optimizer optimizer) { }
    /// <summary>Adds your own entries to a checkpoint's state document.</summary>
    public virtual void OnSaveCheckpoint(JsonObject checkpoint) { }
    /// <summary>Reads what <see cref="OnSaveCheckpoint"/> added, when a checkpoint is loaded.</summary>
    public virtual void OnLoadCheckpoint(JsonObject checkpoint) { }
}
