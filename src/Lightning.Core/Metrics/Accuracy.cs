using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>Share of samples whose predicted class equals the target.</summary>
public sealed class Accuracy(ClassificationTask task, int classes = 2) : ClassificationCounts(task, classes)
{
    /// <inheritdoc />
    public override Tensor ComputeTensor() => SafeDivide(TruePositives.sum(), Actual.sum());
}
