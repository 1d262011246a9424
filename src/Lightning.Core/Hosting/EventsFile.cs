using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lightning.Core.Hosting;

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

    /// <summary><c>run_started {run_id, tracking_uri}</c>.</summary>
    public void RunStarted(string? runId, string trackingUri) =>
        Write("run_started", new JsonObject { ["run_id"] = runId, ["tracking_uri"] = trackingUri });

    /// <summary><c>epoch_end {epoch, step, metrics, validated}</c>; <c>validated</c> says whether any validation has run yet, so a
    /// driver can tell a validation metric that is not there yet (check_val_every_n_epoch) from one that is never logged.</summary>
    public void EpochEnd(int epoch, long step, IReadOnlyDictionary<string, double> metrics, bool validated) =>
        Write("epoch_end", new JsonObject { ["epoch"] = epoch, ["step"] = step, ["metrics"] = Metrics(metrics), ["validated"] = validated });

    /// <summary><c>checkpoint {path, score}</c>.</summary>
    public void Checkpoint(string path, double? score) =>
        Write("checkpoint", new JsonObject { ["path"] = path, ["score"] = Checkpoints.JsonNumbers.From(score) });

    /// <summary><c>finished {status, best, metrics, message}</c>.</summary>
    public void Finished(string status, JsonObject best, IReadOnlyDictionary<string, double> metrics, string? message) =>
        Write("finished", new JsonObject { ["status"] = status, ["best"] = best, ["metrics"] = Metrics(metrics), ["message"] = message });

    /// <inheritdoc />
    public void Dispose() => _writer?.Dispose();

    private void Write(string kind, JsonObject body)
    {
        if (_writer is null) return;
        var line = new JsonObject { ["event"] = kind };
        foreach (var (key, value) in body.ToList())
        {
            body.Remove(key);
            line[key] = value;
        }
        lock (_gate) _writer.WriteLine(line.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }


    private static JsonObject Metrics(IReadOnlyDictionary<string, double> metrics) =>
        new(metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => KeyValuePair.Create(m.Key, Checkpoints.JsonNumbers.From(m.Value))));
}
