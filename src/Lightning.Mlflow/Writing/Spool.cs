using System.Text;
using System.Text.Json.Nodes;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow.Writing;

/// <summary>
/// Writes that could not reach the tracking server, kept in the run's local folder until they can:
/// <c>mlflow-spool.json</c> (which run, on which server; the server's run id once created),
/// <c>mlflow-spool.jsonl</c> (one record per line) and <c>mlflow-spool.acked</c> (sequence numbers delivered).
/// Replaying skips acknowledged records and metric points the server already holds, so replaying twice never
/// duplicates a point.
/// </summary>
public sealed class Spool
{
    private const string HeaderFile = "mlflow-spool.json";
    private const string RecordsFile = "mlflow-spool.jsonl";
    private const string AckedFile = "mlflow-spool.acked";
    private readonly string _folder;
    private readonly Lock _gate = new();
    private long _sequence;

    /// <summary>The spool in <paramref name="folder"/> (created on first write).</summary>
    public Spool(string folder)
    {
        _folder = Path.GetFullPath(folder);
        if (File.Exists(RecordsPath)) _sequence = ReadRecords().Select(r => r.Sequence).DefaultIfEmpty(0).Max();
    }

    /// <summary>The spool's folder.</summary>
    public string Folder => _folder;

    /// <summary>The file holding the records.</summary>
    public string RecordsPath => Path.Combine(_folder, RecordsFile);

    /// <summary>Whether any record has not been delivered.</summary>
    public bool HasPending => Pending().Count > 0 || (ReadHeader() is { } header && header["run_id"] is null);

    /// <summary>Finds every spool under <paramref name="root"/> (a local runs folder).</summary>
    public static IEnumerable<Spool> FindAll(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateFiles(root, HeaderFile, SearchOption.AllDirectories).Select(f => new Spool(Path.GetDirectoryName(f)!))
            : [];

    /// <summary>Records which server and run the spool belongs to; <paramref name="runId"/> is null until the server created the run.</summary>
    public void WriteHeader(string serverUri, RunRequest request, string? runId, string? artifactUri)
    {
        var header = new JsonObject
        {
            ["server"] = serverUri,
            ["experiment"] = request.Experiment,
            ["run_name"] = request.RunName,
            ["user"] = request.User,
            ["start_time"] = request.StartTimeMs,
            ["tags"] = new JsonObject(request.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))),
            ["run_id"] = runId,
            ["artifact_uri"] = artifactUri,
        };
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, HeaderFile);
        File.WriteAllText(path + ".tmp", header.ToJsonString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Appends a batch.</summary>
    public void AppendBatch(LogBatch batch) => Append(sequence => new SpoolRecord(sequence, "batch", batch));

    /// <summary>Appends the run's data set inputs.</summary>
    public void AppendInputs(IReadOnlyList<DatasetInput> inputs) => Append(sequence => new SpoolRecord(sequence, "inputs", Inputs: inputs));

    /// <summary>Appends an artifact upload.</summary>
    public void AppendArtifact(string localPath, string artifactPath) =>
        Append(sequence => new SpoolRecord(sequence, "artifact", LocalPath: localPath, ArtifactPath: artifactPath));

    /// <summary>Appends an artifact deletion.</summary>
    public void AppendDelete(string artifactPath) => Append(sequence => new SpoolRecord(sequence, "delete_artifact", ArtifactPath: artifactPath));

    /// <summary>Appends the run's final status.</summary>
    public void AppendStatus(RunStatus status, long endTimeMs) =>
        Append(sequence => new SpoolRecord(sequence, "status", Status: status, EndTimeMs: endTimeMs));

    /// <summary>The server the spooled writes were meant for.</summary>
    public string Server => ReadHeader()?["server"]?.GetValue<string>() ?? throw new InvalidOperationException($"{_folder} is not a spool folder.");

    /// <summary>The server's run, once the spool created it (or it existed from the start).</summary>
    public RunHandle? Run() =>
        ReadHeader() is { } header && header["run_id"]?.GetValue<string>() is { } runId
            ? new RunHandle(runId, "", header["artifact_uri"]?.GetValue<string>() ?? "")
            : null;

    /// <summary>Metric points not yet delivered.</summary>
    public int PendingPoints() => Pending().Sum(r => r.Batch?.Metrics.Count ?? 0);

    /// <summary>What is not yet delivered, counted by kind.</summary>
    public SpoolSummary Summary()
    {
        var pending = Pending();
        return new SpoolSummary(pending.Count, pending.Sum(r => r.Batch?.Metrics.Count ?? 0), pending.Sum(r => r.Batch?.Params.Count ?? 0),
            pending.Count(r => r.Kind == "artifact"), pending.Any(r => r.Kind == "status"));
    }

    /// <summary>The run's name and start time as the spool recorded them (for <c>runs list</c>).</summary>
    public (string Experiment, string RunName, long StartTimeMs)? Describe() =>
        ReadHeader() is { } header
            ? (header["experiment"]?.GetValue<string>() ?? "", header["run_name"]?.GetValue<string>() ?? "",
                header["start_time"]?.GetValue<long>() ?? 0)
            : null;

    /// <summary>
    /// Delivers every pending record to <paramref name="store"/>, creating the run first when the server never saw it.
    /// Stops at the first failure; what was delivered stays acknowledged.
    /// </summary>
    /// <returns>Records and metric points delivered by this call.</returns>
    public (int Records, int Points) Replay(IRunStore store)
    {
        lock (_gate)
        {
            var header = ReadHeader()
                ?? throw new InvalidOperationException($"{Path.Combine(_folder, HeaderFile)} is missing; this is not a spool folder.");
            var run = EnsureRun(store, header);
            var history = new Dictionary<string, HashSet<(long, long, double)>>();
            var records = 0;
            var points = 0;
            foreach (var record in Pending())
            {
                switch (record.Kind)
                {
                    case "batch":
                        var batch = record.Batch!;
                        var fresh = batch.Metrics.Where(m => !Known(store, run.RunId, m, history)).ToList();
                        store.LogBatch(run.RunId, fresh, batch.Params, batch.Tags);
                        points += fresh.Count;
                        break;
                    case "artifact" when File.Exists(record.LocalPath):
                        store.UploadArtifact(run, record.LocalPath!, record.ArtifactPath!);
                        break;
                    case "inputs":
                        store.LogInputs(run.RunId, record.Inputs!);
                        break;
                    case "delete_artifact":
                        store.DeleteArtifact(run, record.ArtifactPath!);
                        break;
                    case "status":
                        store.UpdateRun(run.RunId, record.Status!.Value, record.EndTimeMs);
                        break;
                }
                File.AppendAllText(Path.Combine(_folder, AckedFile), record.Sequence + "\n");
                records++;
            }
            return (records, points);
        }
    }

    private RunHandle EnsureRun(IRunStore store, JsonObject header)
    {
        if (header["run_id"]?.GetValue<string>() is { } runId)
        {
            var uri = header["artifact_uri"]?.GetValue<string>() ?? "";
            return new RunHandle(runId, "", uri);
        }
        var request = new RunRequest(header["experiment"]!.GetValue<string>(), header["run_name"]!.GetValue<string>(),
            header["user"]!.GetValue<string>(),
            header["start_time"]!.GetValue<long>(), header["tags"]!.AsObject().ToDictionary(t => t.Key, t => t.Value!.GetValue<string>()));
        var run = store.CreateRun(request);
        // The run now lives in this store (the server it was meant for, or the one given to runs push --to).
        WriteHeader(store.Uri, request, run.RunId, run.ArtifactUri);
        return run;
    }

    private static bool Known(IRunStore store, string runId, MetricPoint point, Dictionary<string, HashSet<(long, long, double)>> history)
    {
        if (!history.TryGetValue(point.Key, out var seen))
            history[point.Key] = seen = store.MetricHistory(runId, point.Key).Select(p => (p.Step, p.TimestampMs, p.Value)).ToHashSet();
        return seen.Contains((point.Step, point.TimestampMs, point.Value));
    }

    private JsonObject? ReadHeader()
    {
        var path = Path.Combine(_folder, HeaderFile);
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?.AsObject() : null;
    }

    private List<SpoolRecord> Pending()
    {
        if (!File.Exists(RecordsPath)) return [];
        var ackedPath = Path.Combine(_folder, AckedFile);
        var acked = File.Exists(ackedPath) ? File.ReadAllLines(ackedPath).Where(l => l.Length > 0).Select(long.Parse).ToHashSet() : [];
        return ReadRecords().Where(r => !acked.Contains(r.Sequence)).ToList();
    }

    private IEnumerable<SpoolRecord> ReadRecords() =>
        File.ReadLines(RecordsPath).Where(l => l.Length > 0 && l.EndsWith('}')).Select(l => SpoolRecord.FromJson(JsonNode.Parse(l)!.AsObject()));

    private void Append(Func<long, SpoolRecord> create)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(_folder);
            var record = create(++_sequence);
            using var stream = new FileStream(RecordsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(Encoding.UTF8.GetBytes(record.ToJson().ToJsonString() + "\n"));
            stream.Flush(flushToDisk: true);
        }
    }
}
