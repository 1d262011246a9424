using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>Weighted mean of values: <c>Update</c> takes values and their weights (e.g. batch sizes).</summary>
public sealed class MeanMetric : Metric
{
    private Tensor? _sums;

    /// <summary>Adds <paramref name="values"/> (any shape) with weights of the same shape, or a scalar weight.</summary>
    public override void Update(Tensor values, Tensor weights)
    {
        using var scope = NewDisposeScope();
        var v = values.to(ScalarType.Float64);
        var w = weights.to(ScalarType.Float64, v.device).expand_as(v);
        _sums ??= State(values.device, 2);
        _sums.add_(stack([(v * w).sum(), w.sum()]));
    }

    /// <summary>Adds one value with weight <paramref name="weight"/>.</summary>
    public void Update(Tensor value, double weight = 1.0)
    {
        using var scope = NewDisposeScope();
        Update(value, tensor(weight, ScalarType.Float64, value.device));
    }

    /// <inheritdoc />
    public override Tensor ComputeTensor()
    {
        var sums = _sums ?? throw new InvalidOperationException("MeanMetric has no values yet: call Update before Compute.");
        return sums[0] / sums[1];
    }

    /// <inheritdoc />
    protected override void OnReset() => _sums = null;
}
