using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>Mean of absolute errors over every sample.</summary>
public sealed class MeanAbsoluteError : RegressionSums
{
    /// <inheritdoc />
    public override Tensor ComputeTensor() => AbsoluteErrors / Count;
}
