using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>Running sums over (prediction, target) pairs that MSE, MAE and R² are computed from.</summary>
public abstract class RegressionSums : Metric
{
    private Tensor? _sums;

    /// <inheritdoc />
    public override void Update(Tensor predictions, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var p = predictions.reshape(-1).to(ScalarType.Float64);
        var t = targets.reshape(-1).to(ScalarType.Float64);
        var error = p - t;
        _sums ??= State(predictions.device, 5);
        // [count, sum of squared errors, sum of absolute errors, sum of targets, sum of squared targets]
        _sums.add_(stack([
            full(1, p.shape[0], ScalarType.Float64, p.device).squeeze(), error.square().sum(), error.abs().sum(), t.sum(), t.square().sum()]));
    }

    /// <summary>Samples seen.</summary>
    protected Tensor Count => Sums[0];
    /// <summary>Sum of squared errors.</summary>
    protected Tensor SquaredErrors => Sums[1];
    /// <summary>Sum of absolute errors.</summary>
    protected Tensor AbsoluteErrors => Sums[2];
    /// <summary>Sum of targets.</summary>
    protected Tensor TargetSum => Sums[3];
    /// <summary>Sum of squared targets.</summary>
    protected Tensor TargetSquares => Sums[4];

    private Tensor Sums => _sums ?? throw new InvalidOperationException($"{GetType().Name} has no batches yet: call Update before Compute.");

    /// <inheritdoc />
    protected override void OnReset() => _sums = null;
}
