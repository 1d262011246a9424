using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>Mean of squared errors over every sample.</summary>
public sealed class MeanSquaredError : RegressionSums
{
    /// <inheritdoc />
    public override Tensor ComputeTensor() => SquaredErrors / Count;
}
