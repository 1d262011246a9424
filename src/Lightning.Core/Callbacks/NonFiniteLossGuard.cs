using Lightning.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Fails the run when the training loss becomes NaN or infinite, naming the step. On the CPU it checks every step;
/// on a GPU it notes the first bad step on the device and reads it once per logging interval, so steps never sync.
/// </summary>
public sealed class NonFiniteLossGuard : Callback
{
    private Tensor? _firstBadStep;

    /// <inheritdoc />
    public override void OnBeforeBackward(ITrainerView trainer, Tensor loss)
    {
        using var scope = NewDisposeScope();
        _firstBadStep ??= full([], -1L, ScalarType.Int64, loss.device).DetachFromDisposeScope();
        var bad = loss.detach().isfinite().logical_not().logical_and(_firstBadStep.lt(0));
        _firstBadStep.copy_(where(bad, tensor(trainer.GlobalStep, ScalarType.Int64, loss.device), _firstBadStep));
    }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
    {
        if (_firstBadStep is null) return;
        var read = loss.device_type == DeviceType.CPU || trainer.GlobalStep % trainer.Options.LogEveryNSteps == 0 || trainer.BatchInEpoch == trainer.TrainBatchesPerEpoch;
        if (!read) return;
        var step = _firstBadStep.item<long>();
        if (step < 0) return;
        using var scope = NewDisposeScope();
        trainer.Fail($"The training loss returned by TrainingStep became {loss.to(ScalarType.Float64).item<double>()} (not finite) at global step {step}, epoch {trainer.CurrentEpoch}. " +
                     "Stopping; lower the learning rate, check the inputs for NaN, or set trainer.gradient_clip_val.");
    }

    /// <inheritdoc />
    public override void OnFitEnd(ITrainerView trainer)
    {
        _firstBadStep?.Dispose();
        _firstBadStep = null;
    }
}
