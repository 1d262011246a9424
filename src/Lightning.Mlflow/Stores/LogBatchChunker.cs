using System.Buffers;
using System.Text.Json;
using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Stores;

/// <summary>
/// Splits metrics, params and tags into log-batch bodies that respect every limit of MLflow's REST API: at most
/// 1000 metrics, 100 params, 100 tags and 1000 entities per request, and a body under 1 MB. Bodies are written with
/// <see cref="Utf8JsonWriter"/> (no JSON tree per point), since per-step logging sends thousands of points a second.
/// </summary>
internal static class LogBatchChunker
{
    public static IEnumerable<byte[]> Chunk(string runId, IReadOnlyList<MetricPoint> metrics,
        IReadOnlyList<KeyValuePair<string, string>> parameters, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        int m = 0, p = 0, t = 0;
        while (m < metrics.Count || p < parameters.Count || t < tags.Count)
        {
            var takeParams = Math.Min(MlflowLimits.ParamsOrTagsPerBatch, parameters.Count - p);
            var takeTags = Math.Min(MlflowLimits.ParamsOrTagsPerBatch, tags.Count - t);
            var takeMetrics = Math.Min(
                Math.Min(MlflowLimits.MetricsPerBatch, MlflowLimits.EntitiesPerBatch - takeParams - takeTags), metrics.Count - m);
            foreach (var body in Fit(runId, Slice(metrics, m, takeMetrics), Slice(parameters, p, takeParams), Slice(tags, t, takeTags)))
                yield return body;
            (m, p, t) = (m + takeMetrics, p + takeParams, t + takeTags);
        }
    }

    // A body over the byte limit is halved until each half fits.
    private static IEnumerable<byte[]> Fit(
        string runId, ArraySegment<MetricPoint> metrics, ArraySegment<KeyValuePair<string, string>> parameters,
        ArraySegment<KeyValuePair<string, string>> tags)
    {
        var body = Write(runId, metrics, parameters, tags);
        if (body.Length <= MlflowLimits.RequestBytes || metrics.Count + parameters.Count + tags.Count <= 1)
        {
            yield return body;
            yield break;
        }
        foreach (var half in Fit(runId, metrics[..(metrics.Count / 2)], parameters[..(parameters.Count / 2)], tags[..(tags.Count / 2)]))
            yield return half;
        foreach (var half in Fit(runId, metrics[(metrics.Count / 2)..], parameters[(parameters.Count / 2)..], tags[(tags.Count / 2)..]))
            yield return half;
    }

    private static byte[] Write(
        string runId, IEnumerable<MetricPoint> metrics, IEnumerable<KeyValuePair<string, string>> parameters,
        IEnumerable<KeyValuePair<string, string>> tags)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("run_id", runId);
            json.WriteStartArray("metrics");
            foreach (var point in metrics)
            {
                json.WriteStartObject();
                json.WriteString("key", point.Key);
                // NaN and infinities travel as the strings "NaN", "Infinity", "-Infinity", which the server accepts.
                if (double.IsFinite(point.Value)) json.WriteNumber("value", point.Value);
                else json.WriteString("value", double.IsNaN(point.Value) ? "NaN" : point.Value > 0 ? "Infinity" : "-Infinity");
                json.WriteNumber("timestamp", point.TimestampMs);
                json.WriteNumber("step", point.Step);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WritePairs(json, "params", parameters);
            WritePairs(json, "tags", tags);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WritePairs(Utf8JsonWriter json, string name, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        json.WriteStartArray(name);
        foreach (var (key, value) in pairs)
        {
            json.WriteStartObject();
            json.WriteString("key", key);
            json.WriteString("value", value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static ArraySegment<T> Slice<T>(IReadOnlyList<T> items, int start, int count) =>
        items is T[] array ? new ArraySegment<T>(array, start, count) : new ArraySegment<T>(items.Skip(start).Take(count).ToArray());
}
