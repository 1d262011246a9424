using System.Text.Json.Nodes;
using Lightning.Core.Serialization;
using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Stores;

/// <summary>
/// An MLflow tracking server over its REST API: get-or-create experiment, runs, log-batch within the
/// limits, status, and artifacts through the <c>mlflow-artifacts</c> proxy or directly for <c>file:</c> roots.
/// </summary>
public sealed class RestStore : IRunStore
{
    private const string Api = "api/2.0/mlflow/";
    private readonly RestClient _client;
    private readonly Uri _uri;
    private readonly string _localRoot;

    /// <summary>A store for the server at <paramref name="uri"/>; run folders (checkpoints, spool) go under <paramref name="localRoot"/>.</summary>
    public RestStore(Uri uri, RestOptions options, string localRoot, TimeProvider? time = null)
    {
        _uri = uri;
        _client = new RestClient(uri, options, time);
        _localRoot = Path.GetFullPath(localRoot);
    }

    /// <inheritdoc />
    public string Uri => _uri.AbsoluteUri.TrimEnd('/');

    /// <inheritdoc />
    public bool IsRemote => true;

    /// <summary>The HTTP client, shared with the model registry and the artifact download.</summary>
    internal RestClient Client => _client;

    /// <inheritdoc />
    public RunHandle CreateRun(RunRequest request)
    {
        var experimentId = EnsureExperiment(request.Experiment);
        var response = _client.Post(Api + "runs/create", new JsonObject
        {
            ["experiment_id"] = experimentId,
            ["user_id"] = request.User,
            ["run_name"] = request.RunName,
            ["start_time"] = request.StartTimeMs,
            ["tags"] = new JsonArray(request.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value }).ToArray()),
        });
        var info = response["run"]!["info"]!;
        var run = new RunHandle(info["run_id"]!.GetValue<string>(), experimentId, info["artifact_uri"]!.GetValue<string>());
        ArtifactRoot.Check(run.ArtifactUri);
        return run;
    }

    /// <summary>The id of the active experiment named <paramref name="name"/>, created when missing.</summary>
    public string EnsureExperiment(string name)
    {
        if (Find(name) is { } found) return found;
        try
        {
            return _client.Post(Api + "experiments/create", new JsonObject { ["name"] = name })["experiment_id"]!.GetValue<string>();
        }
        catch (MlflowException error) when (error.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            // Another process created it between our lookup and our create: use theirs.
            if (Find(name) is { } winner) return winner;
            throw;
        }
    }

    /// <inheritdoc />
    public void LogBatch(
        string runId, IReadOnlyList<MetricPoint> metrics, IReadOnlyList<KeyValuePair<string, string>> parameters,
        IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        foreach (var body in LogBatchChunker.Chunk(runId, metrics, parameters, tags)) _client.Post(Api + "runs/log-batch", body);
    }

    /// <inheritdoc />
    public void LogModel(string runId, string modelJson) =>
        _client.Post(Api + "runs/log-model", new JsonObject { ["run_id"] = runId, ["model_json"] = modelJson });

    /// <inheritdoc />
    public void LogInputs(string runId, IReadOnlyList<DatasetInput> inputs)
    {
        // Transcript 91: the dataset's JSON documents travel as strings; empty optional ones are left out.
        var datasets = inputs.Select(input =>
        {
            var dataset = new JsonObject
            {
                ["name"] = input.Name, ["digest"] = input.Digest, ["source_type"] = input.SourceType, ["source"] = input.Source,
            };
            if (input.Schema.Length > 0) dataset["schema"] = input.Schema;
            if (input.Profile.Length > 0) dataset["profile"] = input.Profile;
            return (JsonNode)new JsonObject
            {
                ["tags"] = new JsonArray(new JsonObject { ["key"] = DatasetInput.ContextTag, ["value"] = input.Context }),
                ["dataset"] = dataset,
            };
        });
        _client.Post(Api + "runs/log-inputs", new JsonObject { ["run_id"] = runId, ["datasets"] = new JsonArray([.. datasets]) });
    }

    /// <inheritdoc />
    public void UpdateRun(string runId, RunStatus status, long endTimeMs)
    {
        var body = new JsonObject { ["run_id"] = runId, ["status"] = status.ToString().ToUpperInvariant() };
        // A continued run goes back to RUNNING without an end time; its final update sets the new one.
        if (status != RunStatus.Running) body["end_time"] = endTimeMs;
        _client.Post(Api + "runs/update", body);
    }

    /// <inheritdoc />
    public ExistingRun? FindRun(string runId)
    {
        JsonNode run;
        try
        {
            run = _client.Get(Api + "runs/get", [new("run_id", runId)])["run"]!;
        }
        catch (MlflowException error) when (error.ErrorCode is "RESOURCE_DOES_NOT_EXIST" or "INVALID_PARAMETER_VALUE")
        {
            return null;
        }
        var info = run["info"]!;
        if (info["lifecycle_stage"]?.GetValue<string>() == "deleted") return null;
        var parameters = (run["data"]?["params"]?.AsArray() ?? [])
            .ToDictionary(p => p!["key"]!.GetValue<string>(), p => p!["value"]?.GetValue<string>() ?? "");
        return new ExistingRun(new RunHandle(runId, info["experiment_id"]!.GetValue<string>(), info["artifact_uri"]!.GetValue<string>()), parameters);
    }

    /// <inheritdoc />
    public ExistingRun? FindRunByTag(string experiment, string key, string value)
    {
        if (Find(experiment) is not { } experimentId) return null;
        var response = _client.Post(Api + "runs/search", new JsonObject
        {
            ["experiment_ids"] = new JsonArray(experimentId),
            ["filter"] = $"tags.`{key}` = '{value.Replace("'", "\\'", StringComparison.Ordinal)}'",
            ["run_view_type"] = "ACTIVE_ONLY",
            ["max_results"] = 1,
        });
        return response["runs"]?.AsArray().FirstOrDefault()?["info"]?["run_id"]?.GetValue<string>() is { } runId ? FindRun(runId) : null;
    }

    /// <inheritdoc />
    public void CloseWithin(TimeSpan budget) => _client.CloseWithin(budget);

    /// <inheritdoc />
    public void UploadArtifact(RunHandle run, string localPath, string artifactPath)
    {
        var path = ArtifactPaths.Validate(artifactPath);
        switch (ArtifactRoot.Check(run.ArtifactUri))
        {
            case ArtifactRootKind.Proxy:
                _client.Put(ProxyPath(run, path), localPath);
                break;
            case ArtifactRootKind.File:
                var target = ArtifactPaths.Resolve(new System.Uri(run.ArtifactUri).LocalPath, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (Path.GetFullPath(localPath) != target) File.Copy(localPath, target, overwrite: true);
                break;
        }
    }

    /// <inheritdoc />
    public void DeleteArtifact(RunHandle run, string artifactPath)
    {
        var path = ArtifactPaths.Validate(artifactPath);
        switch (ArtifactRoot.Check(run.ArtifactUri))
        {
            case ArtifactRootKind.Proxy:
                try
                {
                    _client.Delete(ProxyPath(run, path));
                }
                catch (MlflowException error) when (error.Status == 404)
                {
                }
                break;
            case ArtifactRootKind.File:
                var target = ArtifactPaths.Resolve(new System.Uri(run.ArtifactUri).LocalPath, path);
                if (File.Exists(target)) File.Delete(target);
                break;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<MetricPoint> MetricHistory(string runId, string key)
    {
        var points = new List<MetricPoint>();
        string? token = null;
        do
        {
            var query = new List<KeyValuePair<string, string>> { new("run_id", runId), new("metric_key", key) };
            if (token is not null) query.Add(new("page_token", token));
            var response = _client.Get(Api + "metrics/get-history", query);
            foreach (var metric in response["metrics"]?.AsArray() ?? [])
                points.Add(new MetricPoint(key, JsonNumbers.Read(metric!["value"]) ?? double.NaN, metric["step"]?.GetValue<long>() ?? 0,
                    metric["timestamp"]!.GetValue<long>()));
            token = response["next_page_token"]?.GetValue<string>();
        } while (!string.IsNullOrEmpty(token));
        return points;
    }

    /// <inheritdoc />
    public string LocalRunDirectory(RunHandle run) => Path.Combine(_localRoot, run.RunId);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private string? Find(string name)
    {
        try
        {
            var experiment = _client.Get(Api + "experiments/get-by-name", [new("experiment_name", name)])["experiment"]!;
            if (experiment["lifecycle_stage"]?.GetValue<string>() == "deleted")
            {
                var id = experiment["experiment_id"]!.GetValue<string>();
                throw new MlflowException(
                    $"Experiment '{name}' (id {id}) is deleted on {_uri}. " +
                    $"Restore it with 'mlflow experiments restore --experiment-id {id}', or set tracking.experiment to another name.",
                    "INVALID_STATE");
            }
            return experiment["experiment_id"]!.GetValue<string>();
        }
        catch (MlflowException error) when (error.ErrorCode == "RESOURCE_DOES_NOT_EXIST")
        {
            return null;
        }
    }

    /// <summary>The bytes of <paramref name="artifactUri"/> (an <c>mlflow-artifacts:</c> file), through the proxy.</summary>
    public byte[] Download(string artifactUri)
    {
        var segments = new System.Uri(artifactUri).AbsolutePath.Trim('/').Split('/').Select(System.Uri.EscapeDataString);
        return _client.GetBytes("api/2.0/mlflow-artifacts/artifacts/" + string.Join('/', segments));
    }

    // mlflow-artifacts:/<path> (or mlflow-artifacts://host/<path>) maps to the tracking server's proxy.
    private static string ProxyPath(RunHandle run, string artifactPath)
    {
        var root = new System.Uri(run.ArtifactUri).AbsolutePath.Trim('/');
        var segments = root.Split('/').Concat(artifactPath.Split('/')).Select(System.Uri.EscapeDataString);
        return "api/2.0/mlflow-artifacts/artifacts/" + string.Join('/', segments);
    }
}
