using System.Text.Json.Nodes;
using Lightning.Core.Serialization;

namespace Lightning.Mlflow.Stores;

/// <summary>
/// Reads the runs of a tracking server for <c>dotnet lightning runs list|show</c>: experiments/search, runs/search
/// (newest first, following next_page_token) and artifacts/list, as MLflow's REST API defines them.
/// </summary>
/// <param name="uri">The server.</param>
/// <param name="options">Auth, TLS and retries, as for writing.</param>
/// <param name="pageSize">Results asked for per search request (the server's cap is 1000 for experiments).</param>
public sealed class RestRunReader(Uri uri, RestOptions options, int pageSize = 1000) : IDisposable
{
    private const string Api = "api/2.0/mlflow/";
    private readonly RestClient _client = new(uri, options);

    /// <summary>The newest <paramref name="limit"/> active runs of every active experiment, newest first.</summary>
    /// <exception cref="MlflowException">The server refused or did not answer.</exception>
    public IReadOnlyList<RunSummary> Runs(int limit = 1000)
    {
        var experiments = Experiments();
        if (experiments.Count == 0) return [];
        var runs = new List<RunSummary>();
        string? token = null;
        do
        {
            var request = new JsonObject
            {
                ["experiment_ids"] = new JsonArray(experiments.Keys.Select(id => (JsonNode)id).ToArray()),
                ["max_results"] = Math.Min(pageSize, limit - runs.Count),
                ["order_by"] = new JsonArray("attributes.start_time DESC"),
            };
            if (token is not null) request["page_token"] = token;
            var page = _client.Post(Api + "runs/search", request);
            foreach (var run in page["runs"]?.AsArray() ?? [])
                runs.Add(Summary(run!.AsObject(), experiments));
            token = page["next_page_token"]?.GetValue<string>();
        } while (!string.IsNullOrEmpty(token) && runs.Count < limit);
        return runs;
    }

    /// <summary>Every artifact of the run, files only, with their sizes.</summary>
    /// <exception cref="MlflowException">The server refused or did not answer.</exception>
    public IReadOnlyList<ArtifactEntry> Artifacts(string runId)
    {
        var files = new List<ArtifactEntry>();
        var folders = new Queue<string?>([null]);
        while (folders.TryDequeue(out var folder))
        {
            var query = new List<KeyValuePair<string, string>> { new("run_id", runId) };
            if (folder is not null) query.Add(new("path", folder));
            foreach (var entry in _client.Get(Api + "artifacts/list", query)["files"]?.AsArray() ?? [])
            {
                var path = entry!["path"]!.GetValue<string>();
                if (entry["is_dir"]?.GetValue<bool>() == true) folders.Enqueue(path);
                else files.Add(new ArtifactEntry(path, entry["file_size"]?.GetValue<long>()));
            }
        }
        return files;
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private Dictionary<string, string> Experiments()
    {
        var experiments = new Dictionary<string, string>();
        string? token = null;
        do
        {
            var request = new JsonObject { ["max_results"] = pageSize };
            if (token is not null) request["page_token"] = token;
            var page = _client.Post(Api + "experiments/search", request);
            foreach (var experiment in page["experiments"]?.AsArray() ?? [])
                experiments[experiment!["experiment_id"]!.GetValue<string>()] = experiment["name"]!.GetValue<string>();
            token = page["next_page_token"]?.GetValue<string>();
        } while (!string.IsNullOrEmpty(token));
        return experiments;
    }

    private static RunSummary Summary(JsonObject run, IReadOnlyDictionary<string, string> experiments)
    {
        var info = run["info"]!;
        var data = run["data"];
        static Dictionary<string, string> Pairs(JsonNode? items) =>
            (items?.AsArray() ?? []).ToDictionary(i => i!["key"]!.GetValue<string>(), i => i!["value"]?.GetValue<string>() ?? "");
        var tags = Pairs(data?["tags"]);
        // runs/search gives each metric's latest value (the REST API writes NaN as "NaN", ±Infinity as ±max double).
        var metrics = (data?["metrics"]?.AsArray() ?? [])
            .ToDictionary(m => m!["key"]!.GetValue<string>(), m => JsonNumbers.Read(m!["value"]) ?? double.NaN);
        var experimentId = info["experiment_id"]!.GetValue<string>();
        return new RunSummary(
            info["run_id"]!.GetValue<string>(),
            experiments.GetValueOrDefault(experimentId, experimentId),
            info["run_name"]?.GetValue<string>() ?? tags.GetValueOrDefault("mlflow.runName", ""),
            info["status"]?.GetValue<string>() ?? "UNKNOWN",
            info["start_time"]?.GetValue<long>() ?? 0,
            Pairs(data?["params"]), tags, metrics);
    }
}
