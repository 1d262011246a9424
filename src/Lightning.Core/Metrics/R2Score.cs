using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>Coefficient of determination, 1 − SSE / SST, over every sample.</summary>
public sealed class R2Score : RegressionSums
{
    /// <inheritdoc />
    public override Tensor ComputeTensor()
    {
        var total = TargetSquares - TargetSum.square() / Count;
        return 1 - SquaredErrors / total;
    }
}
