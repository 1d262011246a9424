using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lightning.Core.Serialization;

namespace Lightning.Hosting;

/// <summary>
/// Reads an events file as <see cref="DriverEvent"/>s: all of it at once, or, while a run still writes it, the
/// complete lines added since the last read. Lines of events it does not know are skipped, so a newer app's file
/// still reads.
/// </summary>
public sealed class EventsReader(string path)
{
    private long _offset;

    /// <summary>The events file (a sweep trial's decision files sit beside it).</summary>
    public string Path => path;

    /// <summary>Every event in the file at <paramref name="path"/>; none when it does not exist.</summary>
    public static IReadOnlyList<DriverEvent> ReadAll(string path) => [.. new EventsReader(path).ReadNew()];

    /// <summary>The events on the complete lines written since the last call; a line still being written waits for the next.</summary>
    public IEnumerable<DriverEvent> ReadNew()
    {
        if (!File.Exists(path)) yield break;
        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            stream.Seek(_offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text = reader.ReadToEnd();
        }
        var complete = text.LastIndexOf('\n');
        if (complete < 0) yield break;
        _offset += Encoding.UTF8.GetByteCount(text[..(complete + 1)]);
        foreach (var line in text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (Parse(line) is { } driverEvent) yield return driverEvent;
    }

    /// <summary>The event on one line, or null when the line is not one this version knows.</summary>
    /// <exception cref="JsonException">The line is not JSON.</exception>
    public static DriverEvent? Parse(string line)
    {
        if (JsonNode.Parse(line) is not JsonObject json) return null;
        return json["event"]?.GetValue<string>() switch
        {
            RunStarted.EventName => new RunStarted(json["run_id"]?.GetValue<string>(), json["tracking_uri"]?.GetValue<string>() ?? ""),
            EpochEnded.EventName => new EpochEnded(json["epoch"]!.GetValue<int>(), json["step"]?.GetValue<long>() ?? 0, Metrics(json["metrics"]),
                json["validated"]?.GetValue<bool>() ?? true),
            CheckpointSaved.EventName => new CheckpointSaved(json["path"]!.GetValue<string>(), JsonNumbers.Read(json["score"])),
            RunFinished.EventName => new RunFinished(Status(json["status"]?.GetValue<string>()), Best(json["best"]), Metrics(json["metrics"]),
                json["message"]?.GetValue<string>()),
            _ => null,
        };
    }

    private static RunFinishedStatus Status(string? status) =>
        Enum.TryParse<RunFinishedStatus>(status, ignoreCase: true, out var parsed) ? parsed : RunFinishedStatus.Failed;

    private static BestCheckpoint Best(JsonNode? best) => best is JsonObject map
        ? new BestCheckpoint(map["checkpoint"]?.GetValue<string>(), map["monitor"]?.GetValue<string>(), JsonNumbers.Read(map["score"]))
        : BestCheckpoint.None;

    private static Dictionary<string, double> Metrics(JsonNode? metrics) => metrics is JsonObject map
        ? map.ToDictionary(m => m.Key, m => JsonNumbers.Read(m.Value) ?? double.NaN, StringComparer.Ordinal)
        : [];
}
