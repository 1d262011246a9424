using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lightning.Mlflow.Replay;

public sealed partial class ReplayServer
{
    private void GetExperimentByName(HttpListenerContext context, string name)
    {
        var experiment = Experiments.Values.Where(e => e.Name == name).OrderBy(e => e.LifecycleStage == "active" ? 0 : 1).FirstOrDefault();
        if (experiment is null)
        {
            Error(context, Transcript.Get("03"), ("csharp-probe-1795777889", name));
            return;
        }
        var body = Transcript.Get("06").Json;
        Fill(body["experiment"]!.AsObject(), experiment);
        Json(context, Transcript.Get("06").Status, body);
    }

    /// <summary>Puts <paramref name="experiment"/>'s fields into a recorded experiment object (transcripts 06 and 54 share its shape).</summary>
    private static JsonObject Fill(JsonObject node, ReplayExperiment experiment)
    {
        node["experiment_id"] = experiment.Id;
        node["name"] = experiment.Name;
        node["artifact_location"] = $"mlflow-artifacts:/{experiment.Id}";
        node["lifecycle_stage"] = experiment.LifecycleStage;
        node["creation_time"] = experiment.CreationTime;
        node["last_update_time"] = experiment.CreationTime;
        node["tags"] = new JsonArray();
        return node;
    }

    private void CreateExperiment(HttpListenerContext context, JsonObject json)
    {
        if (json["name"]?.GetValue<string>() is not { Length: > 0 } name)
        {
            MissingParameter(context, "name");
            return;
        }
        if (Experiments.Values.Any(e => e.Name == name))
        {
            Error(context, Transcript.Get("05"), ("csharp-probe-1795777889", name));
            return;
        }
        var id = (_nextExperiment++).ToString(CultureInfo.InvariantCulture);
        Experiments[id] = new ReplayExperiment(id, name, "active", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var body = Transcript.Get("04").Json;
        body["experiment_id"] = id;
        Json(context, Transcript.Get("04").Status, body);
    }

    /// <summary>Creates an experiment as another client would, so a test can race or delete it.</summary>
    public string AddExperiment(string name, string lifecycle = "active")
    {
        lock (_gate)
        {
            var id = (_nextExperiment++).ToString(CultureInfo.InvariantCulture);
            Experiments[id] = new ReplayExperiment(id, name, lifecycle, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            return id;
        }
    }

    private void CreateRun(HttpListenerContext context, JsonObject json)
    {
        var experimentId = json["experiment_id"]?.ToString();
        if (experimentId is null || !Experiments.ContainsKey(experimentId))
        {
            Error(context, Transcript.Get("46"), ("999999", experimentId ?? ""));
            return;
        }
        var template = Transcript.Get("08");
        var body = template.Json;
        var info = body["run"]!["info"]!.AsObject();
        var runId = Guid.NewGuid().ToString("N");
        var runName = json["run_name"]?.GetValue<string>() ?? "replayed-run";
        info["run_uuid"] = runId;
        info["run_id"] = runId;
        info["experiment_id"] = experimentId;
        info["run_name"] = runName;
        info["user_id"] = json["user_id"]?.GetValue<string>() ?? "";
        info["start_time"] = json["start_time"]?.GetValue<long>() ?? 0;
        info["artifact_uri"] = ArtifactScheme == "mlflow-artifacts:"
            ? $"mlflow-artifacts:/{experimentId}/{runId}/artifacts"
            : $"{ArtifactScheme}/{experimentId}/{runId}/artifacts";
        var run = new ReplayRun(info.DeepClone().AsObject());
        foreach (var tag in json["tags"]?.AsArray() ?? []) run.Tags[tag!["key"]!.GetValue<string>()] = tag["value"]!.GetValue<string>();
        run.Tags["mlflow.runName"] = runName;
        Runs[runId] = run;
        body["run"]!["data"]!["tags"] =
            new JsonArray(run.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value }).ToArray());
        Json(context, template.Status, body);
    }

    private void LogBatch(HttpListenerContext context, JsonObject json)
    {
        if (!FindRun(context, json, out var run)) return;
        var metrics = json["metrics"]?.AsArray() ?? [];
        var parameters = json["params"]?.AsArray() ?? [];
        var tags = json["tags"]?.AsArray() ?? [];
        if (parameters.Count > 100) { Error(context, Transcript.Get("16"), ("Got 101", $"Got {parameters.Count}")); return; }
        if (metrics.Count > 1000) { Error(context, Transcript.Get("17"), ("Got 1001", $"Got {metrics.Count}")); return; }
        if (tags.Count > 100) { Error(context, Transcript.Get("16"), ("100 params. Got 101 params", $"100 tags. Got {tags.Count} tags")); return; }
        foreach (var (kind, items) in new[] { ("metric", metrics), ("param", parameters), ("tag", tags) })
            foreach (var item in items)
                if (InvalidKey(context, kind, item!["key"]?.GetValue<string>() ?? "")) return;
        if (metrics.FirstOrDefault(m => m!["timestamp"] is null) is { } untimed)
        {
            Error(context, Transcript.Get("21"),
                ("[{'key': 'nots', 'value': 1.0}]", $"[{{'key': '{untimed["key"]}', 'value': {untimed["value"]}}}]"));
            return;
        }
        var duplicate = parameters.GroupBy(p => p!["key"]!.GetValue<string>()).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            Json(context, 400, new JsonObject
            {
                ["error_code"] = "INVALID_PARAMETER_VALUE",
                ["message"] = $"Duplicate parameter keys have been submitted: [{duplicate.Key}]. " +
                    "Please ensure the request contains only one param value per param key."
            });
            return;
        }
        foreach (var parameter in parameters)
        {
            var key = parameter!["key"]!.GetValue<string>();
            var value = Truncate(parameter["value"]!.GetValue<string>(), 6000);
            if (run.Params.TryGetValue(key, out var old) && old != value)
            {
                Error(context, Transcript.Get("12"), ("'lr'", $"'{key}'"), ("'0.001'", $"'{old}'"), ("'0.01'", $"'{value}'"),
                    ("b4b2100d942847a8949826844ea49a06", run.Info["run_id"]!.GetValue<string>()));
                return;
            }
            run.Params[key] = value;
        }
        foreach (var tag in tags) run.Tags[tag!["key"]!.GetValue<string>()] = Truncate(tag["value"]!.GetValue<string>(), 5000);
        foreach (var metric in metrics)
            run.Metrics.Add((metric!["key"]!.GetValue<string>(), Number(metric["value"]!), metric["step"]?.GetValue<long>() ?? 0,
                metric["timestamp"]!.GetValue<long>()));
        Json(context, Transcript.Get("09").Status, Transcript.Get("09").Json);
    }

    private void UpdateRun(HttpListenerContext context, JsonObject json)
    {
        if (!FindRun(context, json, out var run)) return;
        if (json["status"] is { } status) run.Info["status"] = status.GetValue<string>();
        if (json["end_time"] is { } end) run.Info["end_time"] = end.GetValue<long>();
        var body = Transcript.Get("39").Json;
        body["run_info"] = run.Info.DeepClone();
        Json(context, Transcript.Get("39").Status, body);
    }

    private void GetHistory(HttpListenerContext context, string runId, string key)
    {
        if (!Runs.TryGetValue(runId, out var run))
        {
            Error(context, Transcript.Get("45"), ("00000000000000000000000000000000", runId));
            return;
        }
        var body = Transcript.Get("36").Json;
        body["metrics"] = new JsonArray(run.Metrics.Where(m => m.Key == key).Select(m => (JsonNode)new JsonObject
        {
            ["key"] = m.Key,
            ["value"] = double.IsFinite(m.Value) ? m.Value : double.IsNaN(m.Value) ? "NaN" : m.Value > 0 ? double.MaxValue : -double.MaxValue,
            ["timestamp"] = m.Timestamp, ["step"] = m.Step,
        }).ToArray());
        Json(context, Transcript.Get("36").Status, body);
    }

    private void GetRun(HttpListenerContext context, string runId)
    {
        if (!Runs.TryGetValue(runId, out var run))
        {
            Error(context, Transcript.Get("44"), ("00000000000000000000000000000000", runId));
            return;
        }
        // Transcript 40: data holds the params and tags (and each metric's latest value) beside info.
        static JsonArray Pairs(Dictionary<string, string> values) =>
            new(values.Select(v => (JsonNode)new JsonObject { ["key"] = v.Key, ["value"] = v.Value }).ToArray());
        var data = new JsonObject { ["params"] = Pairs(run.Params), ["tags"] = Pairs(run.Tags) };
        // Transcript 92: inputs.dataset_inputs after info and data; a run without inputs answers "inputs": {} (65).
        var inputs = run.Inputs.Count == 0
            ? new JsonObject()
            : new JsonObject { ["dataset_inputs"] = new JsonArray([.. run.Inputs.Select(i => i.DeepClone())]) };
        Json(context, Transcript.Get("40").Status,
            new JsonObject { ["run"] = new JsonObject { ["info"] = run.Info.DeepClone(), ["data"] = data, ["inputs"] = inputs } });
    }

    private void Artifact(HttpListenerContext context, string path, byte[] body)
    {
        if (path.Split('/').Contains("..") || path.StartsWith('/'))
        {
            Recorded(context, Transcript.Get("34"));
            return;
        }
        switch (context.Request.HttpMethod)
        {
            case "PUT":
                Artifacts[path] = body;
                Json(context, Transcript.Get("27").Status, Transcript.Get("27").Json);
                return;
            case "GET" when Artifacts.TryGetValue(path, out var bytes):
                context.Response.StatusCode = Transcript.Get("32").Status;
                context.Response.ContentType = Transcript.Get("32").Headers["Content-Type"];
                context.Response.OutputStream.Write(bytes);
                context.Response.Close();
                return;
            case "DELETE":
                Artifacts.TryRemove(path, out _);
                Json(context, 200, []);
                return;
        }
        Json(context, 404, new JsonObject { ["error_code"] = "RESOURCE_DOES_NOT_EXIST", ["message"] = $"File {path} does not exist" });
    }

    private bool FindRun(HttpListenerContext context, JsonObject json, out ReplayRun run)
    {
        run = null!;
        var runId = json["run_id"]?.GetValue<string>() ?? json["run_uuid"]?.GetValue<string>();
        if (runId is null)
        {
            Recorded(context, Transcript.Get("47"));
            return false;
        }
        if (!Runs.TryGetValue(runId, out var found))
        {
            Error(context, Transcript.Get("45"), ("00000000000000000000000000000000", runId));
            return false;
        }
        run = found;
        return true;
    }

    // The real server's rules: allowed characters, path normalisation, length.
    private static bool InvalidKey(HttpListenerContext context, string kind, string key)
    {
        var label = kind switch { "metric" => "metric name", "param" => "parameter name", _ => "tag name" };
        if (!KeyCharacters().IsMatch(key))
        {
            Error(context, Transcript.Get("14"), ("metric name: 'bad:key'", $"{label}: '{key}'"));
            return true;
        }
        var normalized = Normalize(key);
        if (normalized != key || normalized == "." || key.StartsWith("..", StringComparison.Ordinal) || key.StartsWith('/'))
        {
            Error(context, Transcript.Get("15"), ("metric name: 'a/../b'", $"{label}: '{key}'"), ("resolve to 'b'", $"resolve to '{normalized}'"));
            return true;
        }
        if (key.Length > 250)
        {
            var what = kind switch { "metric" => "Metric name", "param" => "Param key", _ => "Tag key" };
            var template = Transcript.Get("20");
            var recordedKey = new string('k', 251);
            Error(context, template, ($"Param key '{recordedKey}'", $"{what} '{key}'"), ("length 251", $"length {key.Length}"));
            return true;
        }
        return false;
    }

    private static string Normalize(string key)
    {
        if (key.Length == 0) return ".";
        var stack = new List<string>();
        foreach (var part in key.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == ".." && stack.Count > 0 && stack[^1] != "..") stack.RemoveAt(stack.Count - 1);
            else stack.Add(part);
        }
        var joined = string.Join('/', stack);
        return (key.StartsWith('/') ? "/" : "") + (joined.Length == 0 ? "." : joined);
    }

    private static double Number(JsonNode node) =>
        node.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? node.GetValue<string>() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                var other => double.Parse(other, CultureInfo.InvariantCulture)
            }
            : node.GetValue<double>();

    private static string Truncate(string value, int limit) => value.Length > limit ? value[..limit] : value;

    private static void MissingParameter(HttpListenerContext context, string name) =>
        Error(context, Transcript.Get("47"), ("'run_id'", $"'{name}'"));

    private static void Error(HttpListenerContext context, Transcript template, params (string Recorded, string Actual)[] substitutions)
    {
        var body = template.Json;
        var message = template.Message;
        foreach (var (recorded, actual) in substitutions) message = message.Replace(recorded, actual, StringComparison.Ordinal);
        body["message"] = message;
        Json(context, template.Status, body);
    }

    private static void Recorded(HttpListenerContext context, Transcript transcript)
    {
        context.Response.StatusCode = transcript.Status;
        context.Response.ContentType = transcript.Headers.GetValueOrDefault("Content-Type", "application/json");
        context.Response.OutputStream.Write(Encoding.UTF8.GetBytes(transcript.Body));
        context.Response.Close();
    }

    private static void Json(HttpListenerContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.OutputStream.Write(Encoding.UTF8.GetBytes(body.ToJsonString()));
        context.Response.Close();
    }

    [GeneratedRegex(@"^[/\w.\- ]*$")]
    private static partial Regex KeyCharacters();
}
