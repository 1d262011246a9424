using System.Text.Json.Nodes;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Lightning.Core.Modules;

public abstract partial class LightningModule<TBatch>
{
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
    /// <summary>Called at the end of each training epoch, after epoch metrics are computed.</summary>
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
    /// <summary>Called at the end of a validation epoch, after its metrics are computed.</summary>
    public virtual void OnValidationEpochEnd() { }
    /// <summary>Called when a test run starts.</summary>
    public virtual void OnTestStart() { }
    /// <summary>Called when a test run ends.</summary>
    public virtual void OnTestEnd() { }
    /// <summary>Called at the end of a test epoch, after its metrics are computed.</summary>
    public virtual void OnTestEpochEnd() { }
    /// <summary>Called when prediction starts.</summary>
    public virtual void OnPredictStart() { }
    /// <summary>Called when prediction ends.</summary>
    public virtual void OnPredictEnd() { }
    /// <summary>Called before <c>loss.backward()</c>.</summary>
    public virtual void OnBeforeBackward(Tensor loss) { }
    /// <summary>Called after <c>loss.backward()</c>, before clipping.</summary>
    public virtual void OnAfterBackward() { }
    /// <summary>Called before the optimizer steps, after gradient clipping.</summary>
    public virtual void OnBeforeOptimizerStep(Optimizer optimizer) { }
    /// <summary>Called before gradients are zeroed.</summary>
    public virtual void OnBeforeZeroGrad(Optimizer optimizer) { }
    /// <summary>Adds your own entries to a checkpoint's state document.</summary>
    public virtual void OnSaveCheckpoint(JsonObject checkpoint) { }
    /// <summary>Reads what <see cref="OnSaveCheckpoint"/> added, when a checkpoint is loaded.</summary>
    public virtual void OnLoadCheckpoint(JsonObject checkpoint) { }
}
