using System.Text.Json.Nodes;
using Lightning.Core.Serialization;

namespace Lightning.Hosting;

/// <summary>
/// The driver contract's events file: one JSON object per line, appended and flushed at once so a parent process
/// (MSBuild task, tool, sweep executor) can follow a run while it trains.
/// </summary>
public sealed class EventsFile : IDisposable
{
    private readonly StreamWriter? _writer;
    private readonly Lock _gate = new();

    /// <summary>Appends to <paramref name="path"/>; null writes nothing.</summary>
    public EventsFile(string? path)
    {
        if (path is null) return;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _writer = new StreamWriter(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    /// <summary>Appends <paramref name="driverEvent"/> as one line.</summary>
    public void Write(DriverEvent driverEvent)
    {
        if (_writer is null) return;
        var line = ToJson(driverEvent).ToJsonString();
        lock (_gate) _writer.WriteLine(line);
    }

    /// <inheritdoc />
    public void Dispose() => _writer?.Dispose();

    /// <summary>The line for <paramref name="driverEvent"/>: its name under <c>event</c>, then its fields.</summary>
    public static JsonObject ToJson(DriverEvent driverEvent)
    {
        var line = new JsonObject { ["event"] = driverEvent.Name };
        switch (driverEvent)
        {
            case RunStarted started:
                line["run_id"] = started.RunId;
                line["tracking_uri"] = started.TrackingUri;
                break;
            case EpochEnded epoch:
                line["epoch"] = epoch.Epoch;
                line["step"] = epoch.Step;
                line["metrics"] = Metrics(epoch.Metrics);
                line["validated"] = epoch.Validated;
                break;
            case CheckpointSaved checkpoint:
                line["path"] = checkpoint.Path;
                line["score"] = JsonNumbers.From(checkpoint.Score);
                break;
            case RunFinished finished:
                line["status"] = finished.Status.ToString().ToUpperInvariant();
                line["best"] = new JsonObject
                {
                    ["checkpoint"] = finished.Best.Checkpoint, ["monitor"] = finished.Best.Monitor, ["score"] = JsonNumbers.From(finished.Best.Score),
                };
                line["metrics"] = Metrics(finished.Metrics);
                line["message"] = finished.Message;
                break;
        }
        return line;
    }

    private static JsonObject Metrics(IReadOnlyDictionary<string, double> metrics) =>
        new(metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => KeyValuePair.Create(m.Key, JsonNumbers.From(m.Value))));
}
