using System.Text.Json.Nodes;
using Lightning.Core.Checkpoints;
using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Stores;

/// <summary>
/// Splits metrics, params and tags into log-batch bodies that respect every limit of PROTOCOL.md §1.3: at most
/// 1000 metrics, 100 params, 100 tags and 1000 entities per request, and a body under 1 MB.
/// </summary>
internal static class LogBatchChunker
{
    public static IEnumerable<JsonObject> Chunk(string runId, IReadOnlyList<MetricPoint> metrics,
        IReadOnlyList<KeyValuePair<string, string>> parameters, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var entities = metrics.Select(m => (Kind: "metrics", Node: Metric(m)))
            .Concat(parameters.Select(p => (Kind: "params", Node: Pair(p))))
            .Concat(tags.Select(t => (Kind: "tags", Node: Pair(t))));
        var current = Empty(runId);
        var counts = new Dictionary<string, int> { ["metrics"] = 0, ["params"] = 0, ["tags"] = 0 };
        var bytes = current.ToJsonString().Length;
        foreach (var (kind, node) in entities)
        {
            var size = node.ToJsonString().Length + 1;
            var limit = kind == "metrics" ? MlflowLimits.MetricsPerBatch : MlflowLimits.ParamsOrTagsPerBatch;
            if (counts[kind] == limit || counts.Values.Sum() == MlflowLimits.EntitiesPerBatch || bytes + size > MlflowLimits.RequestBytes)
            {
                yield return current;
                current = Empty(runId);
                foreach (var key in counts.Keys.ToList()) counts[key] = 0;
                bytes = current.ToJsonString().Length;
            }
            current[kind]!.AsArray().Add(node);
            counts[kind]++;
            bytes += size;
        }
        if (counts.Values.Sum() > 0) yield return current;
    }

    private static JsonObject Empty(string runId) => new() { ["run_id"] = runId, ["metrics"] = new JsonArray(), ["params"] = new JsonArray(), ["tags"] = new JsonArray() };

    // NaN and infinities travel as the strings "NaN", "Infinity", "-Infinity", which the server accepts.
    private static JsonObject Metric(MetricPoint point) => new()
    {
        ["key"] = point.Key,
        ["value"] = JsonNumbers.From(point.Value),
        ["timestamp"] = point.TimestampMs,
        ["step"] = point.Step,
    };

    private static JsonObject Pair(KeyValuePair<string, string> pair) => new() { ["key"] = pair.Key, ["value"] = pair.Value };
}
