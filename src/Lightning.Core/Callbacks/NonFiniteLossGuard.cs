using Lightning.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Fails the run when the training loss becomes NaN or infinite. On the CPU it reads each loss (one native call) and
/// names the exact step. On a GPU, reading would sync every step, so it adds each loss into a device-side sum, which
/// turns non-finite with the first bad loss, and reads that sum once per logging interval, naming the interval.
/// </summary>
public sealed class NonFiniteLossGuard : Callback
{
    private Tensor? _sum;
    private long _intervalStart;

    /// <inheritdoc />
    public override void OnBeforeBackward(ITrainerView trainer, Tensor loss)
    {
        if (loss.device_type == DeviceType.CPU)
        {
            var value = loss.dtype == ScalarType.Float32 ? loss.item<float>() : Read(loss);
            if (!double.IsFinite(value)) Report(trainer, value, $"at global step {trainer.GlobalStep}");
            return;
        }
        _sum ??= zeros([], ScalarType.Float32, loss.device).DetachFromDisposeScope();
        using var scope = NewDisposeScope();
        _sum.add_(loss.detach().to(ScalarType.Float32));
    }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
    {
        if (_sum is null) return;
        var due = trainer.GlobalStep % trainer.Options.LogEveryNSteps == 0 || trainer.BatchInEpoch == trainer.TrainBatchesPerEpoch;
        if (!due) return;
        var value = _sum.item<float>();
        if (!float.IsFinite(value))
            Report(trainer, value,
                $"between global steps {_intervalStart} and {trainer.GlobalStep} (set trainer.log_every_n_steps=1 to find the exact step)");
        _sum.zero_();
        _intervalStart = trainer.GlobalStep;
    }

    /// <inheritdoc />
    public override void OnFitEnd(ITrainerView trainer)
    {
        _sum?.Dispose();
        _sum = null;
    }

    private static void Report(ITrainerView trainer, double value, string where) =>
        trainer.Fail($"The training loss returned by TrainingStep became {value} (not finite) {where}, epoch {trainer.CurrentEpoch}. " +
                     "Stopping; lower the learning rate, check the inputs for NaN, or set trainer.gradient_clip_val.");

    private static double Read(Tensor loss)
    {
        using var scope = NewDisposeScope();
        return loss.to(ScalarType.Float64).item<double>();
    }
}
