using System.Globalization;
using System.Text;
using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Stores;

/// <summary>
/// The MLflow file store: the <c>mlruns/</c> layout MLflow's FileStore reads, readable by <c>mlflow ui</c>
/// (<c>MLFLOW_ALLOW_FILE_STORE=true</c> on MLflow 3.13+). Experiments are created under a lock file, so parallel
/// processes (sweep trials) sharing one folder get one experiment per name; each process owns its run folders and
/// appends whole lines to metric files.
/// </summary>
public sealed partial class FileStore : IRunStore
{
    private static readonly Dictionary<RunStatus, int> StatusCodes = new()
    {
        [RunStatus.Running] = 1, [RunStatus.Finished] = 3, [RunStatus.Failed] = 4, [RunStatus.Killed] = 5,
    };

    private readonly string _root;
    private readonly Action<string> _warn;
    private readonly TimeProvider _time;
    // Runs never move, so each run's folder is looked up once rather than at every batch.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _runFolders = new();

    /// <summary>
    /// A store in <paramref name="root"/>; <paramref name="warn"/> hears about skipped writes; <paramref name="time"/>
    /// stamps experiments and paces lock retries.
    /// </summary>
    public FileStore(string root, Action<string>? warn = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _root = Path.GetFullPath(root);
        _warn = warn ?? (_ => { });
    }

    /// <inheritdoc />
    public string Uri => new Uri(_root).AbsoluteUri;

    /// <inheritdoc />
    public bool IsRemote => false;

    /// <summary>The store's folder.</summary>
    public string Root => _root;

    /// <inheritdoc />
    public RunHandle CreateRun(RunRequest request)
    {
        var experimentId = EnsureExperiment(request.Experiment);
        var runId = Guid.NewGuid().ToString("N");
        var folder = Path.Combine(_root, experimentId, runId);
        Directory.CreateDirectory(Path.Combine(folder, "artifacts"));
        var artifactUri = new Uri(Path.Combine(folder, "artifacts")).AbsoluteUri;
        MetaYaml.Write(Path.Combine(folder, "meta.yaml"), new Dictionary<string, object?>
        {
            ["artifact_uri"] = artifactUri,
            ["end_time"] = null,
            ["entry_point_name"] = "",
            ["experiment_id"] = experimentId,
            ["lifecycle_stage"] = "active",
            ["run_id"] = runId,
            ["run_name"] = request.RunName,
            ["run_uuid"] = runId,
            ["source_name"] = "",
            ["source_type"] = 4,
            ["source_version"] = "",
            ["start_time"] = request.StartTimeMs,
            ["status"] = StatusCodes[RunStatus.Running],
            ["tags"] = Array.Empty<string>(),
            ["user_id"] = request.User,
        });
        var tags = new Dictionary<string, string>(request.Tags) { ["mlflow.runName"] = request.RunName };
        foreach (var (key, value) in tags) WriteValue(folder, "tags", key, value);
        return new RunHandle(runId, experimentId, artifactUri);
    }

    /// <inheritdoc />
    public void LogBatch(
        string runId, IReadOnlyList<MetricPoint> metrics, IReadOnlyList<KeyValuePair<string, string>> parameters,
        IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var folder = RunFolder(runId);
        foreach (var group in metrics.GroupBy(m => m.Key))
        {
            var lines = new StringBuilder();
            foreach (var point in group)
                lines.Append(point.TimestampMs.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(point.Value.ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                    .Append(point.Step.ToString(CultureInfo.InvariantCulture)).Append('\n');
            var file = KeyPath(folder, "metrics", group.Key);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            // One append per key per batch: a reader never sees a torn line.
            using var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            stream.Write(Encoding.UTF8.GetBytes(lines.ToString()));
        }
        foreach (var (key, value) in parameters)
        {
            var file = KeyPath(folder, "params", key);
            if (File.Exists(file) && File.ReadAllText(file) != value)
            {
                _warn($"MLflow param '{key}' was already logged as '{File.ReadAllText(file)}'; params are write-once, so '{value}' is not stored.");
                continue;
            }
            WriteValue(folder, "params", key, value);
        }
        foreach (var (key, value) in tags) WriteValue(folder, "tags", key, value);
    }

    /// <inheritdoc />
    public void UpdateRun(string runId, RunStatus status, long endTimeMs)
    {
        var meta = Path.Combine(RunFolder(runId), "meta.yaml");
        var fields = MetaYaml.Read(meta).ToDictionary(f => f.Key, f => (object?)f.Value);
        foreach (var key in new[] { "source_type", "start_time", "status" })
            if (fields[key] is string number) fields[key] = long.Parse(number, CultureInfo.InvariantCulture);
        fields["tags"] = Array.Empty<string>();
        fields["status"] = StatusCodes[status];
        fields["end_time"] = status == RunStatus.Running ? null : endTimeMs;
        MetaYaml.Write(meta, fields);
    }

    /// <inheritdoc />
    public void LogModel(string runId, string modelJson)
    {
        // What the server does (transcript 69): the tag holds a JSON list, one element per logged model, written as
        // Python's json.dumps writes it, without a newline (transcript 97).
        var file = KeyPath(RunFolder(runId), "tags", "mlflow.log-model.history");
        var history = File.Exists(file) && System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file)) is System.Text.Json.Nodes.JsonArray list
            ? list : [];
        history.Add(System.Text.Json.Nodes.JsonNode.Parse(modelJson));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, Models.PythonJson.Write(history));
    }

    /// <inheritdoc />
    public void UploadArtifact(RunHandle run, string localPath, string artifactPath)
    {
        var target = ArtifactPaths.Resolve(LocalRunDirectory(run), artifactPath);
        var source = Path.GetFullPath(localPath);
        if (source == target) return;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target, overwrite: true);
    }

    /// <inheritdoc />
    public void DeleteArtifact(RunHandle run, string artifactPath)
    {
        var target = ArtifactPaths.Resolve(LocalRunDirectory(run), artifactPath);
        if (File.Exists(target)) File.Delete(target);
    }

    /// <inheritdoc />
    public IReadOnlyList<MetricPoint> MetricHistory(string runId, string key)
    {
        var file = KeyPath(RunFolder(runId), "metrics", key);
        if (!File.Exists(file)) return [];
        return File.ReadLines(file).Where(l => l.Length > 0).Select(line =>
        {
            var parts = line.Split(' ');
            return new MetricPoint(key, double.Parse(parts[1], CultureInfo.InvariantCulture),
                parts.Length > 2 ? long.Parse(parts[2], CultureInfo.InvariantCulture) : 0,
                long.Parse(parts[0], CultureInfo.InvariantCulture));
        }).ToList();
    }

    /// <inheritdoc />
    public ExistingRun? FindRun(string runId)
    {
        if (!Directory.Exists(_root) || runId.Length != 32 || !runId.All(char.IsAsciiHexDigit)) return null;
        foreach (var experiment in Directory.EnumerateDirectories(_root))
        {
            var meta = Path.Combine(experiment, runId, "meta.yaml");
            if (!File.Exists(meta)) continue;
            var fields = MetaYaml.Read(meta);
            if (fields.GetValueOrDefault("lifecycle_stage") != "active") return null;
            var folder = Path.GetDirectoryName(meta)!;
            var parameters = Path.Combine(folder, "params");
            var values = Directory.Exists(parameters)
                ? Directory.EnumerateFiles(parameters, "*", SearchOption.AllDirectories)
                    .ToDictionary(f => Path.GetRelativePath(parameters, f).Replace('\\', '/'), File.ReadAllText)
                : [];
            return new ExistingRun(new RunHandle(runId, Path.GetFileName(experiment),
                fields.GetValueOrDefault("artifact_uri") ?? new Uri(Path.Combine(folder, "artifacts")).AbsoluteUri), values);
        }
        return null;
    }

    /// <inheritdoc />
    public ExistingRun? FindRunByTag(string experiment, string key, string value)
    {
        if (FindExperiment(_root, experiment) is not { } experimentId) return null;
        foreach (var run in Directory.EnumerateDirectories(Path.Combine(_root, experimentId)))
        {
            var tag = Path.Combine(run, "tags", key);
            if (File.Exists(tag) && File.ReadAllText(tag) == value && FindRun(Path.GetFileName(run)) is { } found) return found;
        }
        return null;
    }

    /// <inheritdoc />
    public void CloseWithin(TimeSpan budget) { }

    /// <inheritdoc />
    public string LocalRunDirectory(RunHandle run) => Path.Combine(_root, run.ExperimentId, run.RunId, "artifacts");

    /// <inheritdoc />
    public void Dispose() { }

    /// <summary>Gets or creates the experiment named <paramref name="name"/>; a deleted one of that name is an error.</summary>
    public string EnsureExperiment(string name)
    {
        Directory.CreateDirectory(_root);
        using var held = Lock();
        EnsureDefaultExperiment();
        if (FindExperiment(_root, name) is { } active) return active;
        if (FindExperiment(Path.Combine(_root, ".trash"), name) is { } deleted)
            throw new MlflowException(
                $"Experiment '{name}' was deleted (id {deleted}, in {Path.Combine(_root, ".trash")}). " +
                $"Restore it with 'mlflow experiments restore --experiment-id {deleted}', " +
                "purge it with 'mlflow gc', or set tracking.experiment to another name.", "RESOURCE_ALREADY_EXISTS");
        var id = NewExperimentId();
        CreateExperimentFolder(id, name);
        return id;
    }

    private void EnsureDefaultExperiment()
    {
        if (!File.Exists(Path.Combine(_root, "0", "meta.yaml"))) CreateExperimentFolder("0", "Default");
    }

    private void CreateExperimentFolder(string id, string name)
    {
        var folder = Path.Combine(_root, id);
        Directory.CreateDirectory(folder);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        MetaYaml.Write(Path.Combine(folder, "meta.yaml"), new Dictionary<string, object?>
        {
            ["artifact_location"] = new Uri(folder).AbsoluteUri,
            ["creation_time"] = now,
            ["experiment_id"] = id,
            ["last_update_time"] = now,
            ["lifecycle_stage"] = "active",
            ["name"] = name,
        });
    }

    private static string? FindExperiment(string folder, string name)
    {
        if (!Directory.Exists(folder)) return null;
        foreach (var meta in Directory.EnumerateDirectories(folder).Select(d => Path.Combine(d, "meta.yaml")).Where(File.Exists))
        {
            var fields = MetaYaml.Read(meta);
            if (fields.GetValueOrDefault("name") == name) return fields.GetValueOrDefault("experiment_id");
        }
        return null;
    }

    private static readonly TimeSpan LockRetryInterval = TimeSpan.FromMilliseconds(10);

    private FileStream Lock()
    {
        var path = Path.Combine(_root, ".lightning.lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                Task.Delay(LockRetryInterval, _time).GetAwaiter().GetResult();
            }
        }
    }

    private string NewExperimentId()
    {
        // MLflow's file store uses random 18-digit integers.
        while (true)
        {
            var id = Random.Shared.NextInt64(100_000_000_000_000_000, 999_999_999_999_999_999).ToString(CultureInfo.InvariantCulture);
            if (!Directory.Exists(Path.Combine(_root, id))) return id;
        }
    }

    private string RunFolder(string runId)
    {
        if (_runFolders.TryGetValue(runId, out var known)) return known;
        if (runId.Length != 32 || !runId.All(char.IsAsciiHexDigit))
            throw new MlflowException($"Run id '{runId}' is not a 32-character hex id.", "INVALID_PARAMETER_VALUE");
        foreach (var experiment in Directory.EnumerateDirectories(_root))
        {
            var candidate = Path.Combine(experiment, runId);
            if (Directory.Exists(candidate)) return _runFolders[runId] = candidate;
        }
        throw new MlflowException($"Run with id={runId} not found in {_root}.", "RESOURCE_DOES_NOT_EXIST", 404);
    }

    private static string KeyPath(string runFolder, string kind, string key)
    {
        if (!KeySanitizer.IsValid(key)) throw new MlflowException($"Invalid {kind} key '{key}'.", "INVALID_PARAMETER_VALUE", 400);
        return Path.Combine(runFolder, kind, key);
    }

    private static void WriteValue(string runFolder, string kind, string key, string value)
    {
        var file = KeyPath(runFolder, kind, key);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, value);
    }
}
