using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Writing;

/// <summary>Metrics, params and tags sent together.</summary>
public sealed record LogBatch(
    IReadOnlyList<MetricPoint> Metrics, IReadOnlyList<KeyValuePair<string, string>> Params, IReadOnlyList<KeyValuePair<string, string>> Tags)
{
    /// <summary>Entities in the batch.</summary>
    public int Count => Metrics.Count + Params.Count + Tags.Count;
}
