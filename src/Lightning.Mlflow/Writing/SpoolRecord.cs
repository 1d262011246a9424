using System.Text.Json.Nodes;
using Lightning.Core.Serialization;
using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Writing;

/// <summary>One pending write in a spool file: a batch, an artifact upload or delete, or the final status.</summary>
internal sealed record SpoolRecord(
    long Sequence, string Kind, LogBatch? Batch = null, string? LocalPath = null, string? ArtifactPath = null, RunStatus? Status = null,
    long EndTimeMs = 0, IReadOnlyList<Stores.DatasetInput>? Inputs = null)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["seq"] = Sequence, ["kind"] = Kind };
        if (Batch is { } batch)
        {
            json["metrics"] = new JsonArray(batch.Metrics.Select(m => (JsonNode)new JsonObject
            {
                ["key"] = m.Key, ["value"] = JsonNumbers.From(m.Value), ["step"] = m.Step, ["timestamp"] = m.TimestampMs,
            }).ToArray());
            json["params"] = Pairs(batch.Params);
            json["tags"] = Pairs(batch.Tags);
        }
        if (Inputs is not null)
            json["inputs"] = new JsonArray(Inputs.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = i.Name, ["digest"] = i.Digest, ["source_type"] = i.SourceType, ["source"] = i.Source, ["schema"] = i.Schema,
                ["profile"] = i.Profile, ["context"] = i.Context,
            }).ToArray());
        if (LocalPath is not null) json["local_path"] = LocalPath;
        if (ArtifactPath is not null) json["artifact_path"] = ArtifactPath;
        if (Status is { } status)
        {
            json["status"] = status.ToString().ToUpperInvariant();
            json["end_time"] = EndTimeMs;
        }
        return json;
    }

    public static SpoolRecord FromJson(JsonObject json)
    {
        LogBatch? batch = null;
        if (json["metrics"] is JsonArray metrics)
            batch = new LogBatch(
                metrics.Select(m => new MetricPoint(m!["key"]!.GetValue<string>(), JsonNumbers.Read(m["value"]) ?? double.NaN,
                    m["step"]!.GetValue<long>(), m["timestamp"]!.GetValue<long>())).ToList(),
                ReadPairs(json["params"]), ReadPairs(json["tags"]));
        RunStatus? status = json["status"] is { } s ? Enum.Parse<RunStatus>(s.GetValue<string>(), ignoreCase: true) : null;
        return new SpoolRecord(json["seq"]!.GetValue<long>(), json["kind"]!.GetValue<string>(), batch,
            json["local_path"]?.GetValue<string>(), json["artifact_path"]?.GetValue<string>(), status, json["end_time"]?.GetValue<long>() ?? 0,
            json["inputs"]?.AsArray().Select(i => new Stores.DatasetInput(Text(i, "name"), Text(i, "digest"), Text(i, "source_type"),
                Text(i, "source"), Text(i, "schema"), Text(i, "profile"), Text(i, "context"))).ToList());
    }

    private static string Text(JsonNode? node, string key) => node?[key]?.GetValue<string>() ?? "";

    private static JsonArray Pairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        new(pairs.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value }).ToArray());

    private static List<KeyValuePair<string, string>> ReadPairs(JsonNode? node) =>
        (node?.AsArray() ?? []).Select(p => KeyValuePair.Create(p!["key"]!.GetValue<string>(), p["value"]!.GetValue<string>())).ToList();
}
