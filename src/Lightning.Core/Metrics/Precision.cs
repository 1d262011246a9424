using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>True positives over predicted positives; macro-averaged over classes for multiclass.</summary>
public sealed class Precision(ClassificationTask task, int classes = 2) : ClassificationCounts(task, classes)
{
    /// <inheritdoc />
    public override Tensor ComputeTensor() => Average(SafeDivide(TruePositives, Predicted));
}
