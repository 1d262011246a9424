using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>Harmonic mean of precision and recall per class (2·TP / (predicted + actual)); macro-averaged for multiclass.</summary>
public sealed class F1Score(ClassificationTask task, int classes = 2) : ClassificationCounts(task, classes)
{
    /// <inheritdoc />
    public override Tensor ComputeTensor() => Average(SafeDivide(TruePositives * 2, Predicted + Actual));
}
