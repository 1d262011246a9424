using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lightning.Mlflow.Replay;

/// <summary>
/// runs/log-model and the Model Registry (transcripts 64–90): registered models, versions and aliases kept in memory,
/// every answer shaped as recorded (versions as strings, empty arrays and empty results omitted, GET-only searches,
/// alias DELETE with a JSON body, an unknown alias a 400).
/// </summary>
public sealed partial class ReplayServer
{
    /// <summary>Registered models by name, in creation order.</summary>
    public Dictionary<string, ReplayModel> Models { get; } = [];

    /// <summary>
    /// How many of the next created versions answer PENDING_REGISTRATION (as a registry that copies files does); each
    /// answers READY from its second model-versions/get on (a poll that still finds it pending comes first). MLflow 2.12.2's
    /// own stores answer READY at once (73, 74).
    /// </summary>
    public int PendingRegistrations { get; set; }

    private bool RouteModels(HttpListenerContext context, string rpc, byte[] body)
    {
        var method = context.Request.HttpMethod;
        var query = System.Web.HttpUtility.ParseQueryString(context.Request.Url!.Query);
        switch (method, rpc)
        {
            case ("POST", "runs/log-model"): LogModel(context, Body(body)); return true;
            case ("POST", "registered-models/create"): CreateModel(context, Body(body)); return true;
            case ("GET", "registered-models/get"): GetModel(context, query["name"] ?? ""); return true;
            case ("GET", "registered-models/search"): SearchModels(context); return true;
            case ("POST", "registered-models/alias"): SetAlias(context, Body(body)); return true;
            case ("GET", "registered-models/alias"): GetAlias(context, query["name"] ?? "", query["alias"] ?? ""); return true;
            case ("DELETE", "registered-models/alias"): DeleteAlias(context, Body(body)); return true;
            case ("POST", "model-versions/create"): CreateVersion(context, Body(body)); return true;
            case ("GET", "model-versions/get"): GetVersion(context, query["name"] ?? "", query["version"] ?? ""); return true;
            case ("GET", "model-versions/get-download-uri"): DownloadUri(context, query["name"] ?? "", query["version"] ?? ""); return true;
            case ("GET", "model-versions/search"): SearchVersions(context, query["filter"] ?? ""); return true;
            case ("POST", "registered-models/search" or "model-versions/search"): MethodNotAllowed(context); return true;
        }
        return false;
    }

    private void LogModel(HttpListenerContext context, JsonObject json)
    {
        if (!FindRun(context, json, out var run)) return;
        JsonObject model;
        try
        {
            model = JsonNode.Parse(json["model_json"]?.GetValue<string>() ?? "") as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            Json(context, 400, new JsonObject { ["error_code"] = "INVALID_PARAMETER_VALUE", ["message"] = "Malformed model info" });
            return;
        }
        var missing = new[] { "artifact_path", "flavors", "utc_time_created", "run_id" }.Where(k => !model.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            Error(context, Transcript.Get("70"), ("{'utc_time_created', 'run_id'}", "{" + string.Join(", ", missing.Select(m => $"'{m}'")) + "}"));
            return;
        }
        // The server appends Model.to_dict() to the tag's JSON list (transcripts 65, 69); a missing uuid is stored as null.
        model.TryAdd("model_uuid", null);
        var history = run.Tags.TryGetValue("mlflow.log-model.history", out var old) ? JsonNode.Parse(old)!.AsArray() : [];
        history.Add(model);
        run.Tags["mlflow.log-model.history"] = PythonJson(history);
        Json(context, Transcript.Get("64").Status, Transcript.Get("64").Json);
    }

    private void CreateModel(HttpListenerContext context, JsonObject json)
    {
        if (json["name"]?.GetValue<string>() is not { Length: > 0 } name)
        {
            Recorded(context, Transcript.Get("88"));
            return;
        }
        if (Models.ContainsKey(name))
        {
            Error(context, Transcript.Get("72"), ("dotnet-demo", name));
            return;
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var model = new ReplayModel(name, now) { Description = json["description"]?.GetValue<string>() ?? "", Updated = now };
        foreach (var tag in json["tags"]?.AsArray() ?? []) model.Tags[tag!["key"]!.GetValue<string>()] = tag["value"]!.GetValue<string>();
        Models[name] = model;
        Json(context, Transcript.Get("71").Status, new JsonObject { ["registered_model"] = Describe(model, latest: false) });
    }

    private void GetModel(HttpListenerContext context, string name)
    {
        if (!FindModel(context, name, out var model)) return;
        Json(context, Transcript.Get("78").Status, new JsonObject { ["registered_model"] = Describe(model, latest: true) });
    }

    private void SearchModels(HttpListenerContext context)
    {
        // An empty result is {} (83); the tool's list asks for every model, so filters are not replayed.
        var models = Models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => (JsonNode)Describe(m, latest: true)).ToArray();
        Json(context, Transcript.Get("83").Status, models.Length == 0 ? [] : new JsonObject { ["registered_models"] = new JsonArray(models) });
    }

    private void CreateVersion(HttpListenerContext context, JsonObject json)
    {
        var name = json["name"]?.GetValue<string>() ?? "";
        if (!FindModel(context, name, out var model)) return;
        if (json["source"]?.GetValue<string>() is not { Length: > 0 } source)
        {
            Error(context, Transcript.Get("88"), ("'name'", "'source'"));
            return;
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var version = new ReplayModelVersion(model.Versions.Count + 1, source, json["run_id"]?.GetValue<string>() ?? "", now)
        {
            Description = json["description"]?.GetValue<string>() ?? "",
            Status = PendingRegistrations > 0 ? "PENDING_REGISTRATION" : "READY",
        };
        if (PendingRegistrations > 0) PendingRegistrations--;
        foreach (var tag in json["tags"]?.AsArray() ?? []) version.Tags[tag!["key"]!.GetValue<string>()] = tag["value"]!.GetValue<string>();
        model.Versions.Add(version);
        model.Updated = now;
        Json(context, Transcript.Get("74").Status, new JsonObject { ["model_version"] = Describe(model, version, withAliases: false) });
    }

    private void GetVersion(HttpListenerContext context, string name, string number)
    {
        if (!FindVersion(context, name, number, out var model, out var version)) return;
        var body = new JsonObject { ["model_version"] = Describe(model, version, withAliases: true) };
        if (version.Status == "PENDING_REGISTRATION") version.Status = "READY";
        Json(context, Transcript.Get("75").Status, body);
    }

    private void DownloadUri(HttpListenerContext context, string name, string number)
    {
        if (!FindVersion(context, name, number, out _, out var version)) return;
        // The source verbatim, runs:/ included (80): the client resolves it.
        Json(context, Transcript.Get("80").Status, new JsonObject { ["artifact_uri"] = version.Source });
    }

    private void SearchVersions(HttpListenerContext context, string filter)
    {
        var name = NameFilter().Match(filter) is { Success: true } match ? match.Groups[1].Value : null;
        var runId = RunFilter().Match(filter) is { Success: true } run ? run.Groups[1].Value : null;
        var found = Models.Values.Where(m => name is null || m.Name == name)
            .SelectMany(m => m.Versions.Where(v => runId is null || v.RunId == runId).Select(v => (JsonNode)Describe(m, v, withAliases: true)))
            .ToArray();
        Json(context, Transcript.Get("84").Status, found.Length == 0 ? [] : new JsonObject { ["model_versions"] = new JsonArray(found) });
    }

    private void SetAlias(HttpListenerContext context, JsonObject json)
    {
        var name = json["name"]?.GetValue<string>() ?? "";
        var alias = json["alias"]?.GetValue<string>() ?? "";
        if (json["version"] is { } raw && raw.GetValueKind() != JsonValueKind.String)
        {
            Json(context, 400, new JsonObject
            {
                ["error_code"] = "INVALID_PARAMETER_VALUE",
                ["message"] = $"Invalid value {raw.ToJsonString()} for parameter 'version' supplied. Hint: Value was of type 'int'. " +
                    "See the API docs for more information about request parameters.",
            });
            return;
        }
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            Error(context, Transcript.Get("89"), ("'latest'", $"'{alias}'"));
            return;
        }
        if (!AliasCharacters().IsMatch(alias) || alias.Length > 255)
        {
            Json(context, 400, new JsonObject
            {
                ["error_code"] = "INVALID_PARAMETER_VALUE",
                ["message"] = $"Invalid alias name: '{alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).",
            });
            return;
        }
        if (VersionAlias().IsMatch(alias))
        {
            Json(context, 400, new JsonObject
            {
                ["error_code"] = "INVALID_PARAMETER_VALUE", ["message"] = $"Version alias name '{alias}' is reserved.",
            });
            return;
        }
        if (!FindVersion(context, name, json["version"]?.GetValue<string>() ?? "", out var model, out var version)) return;
        model.Aliases[alias] = version.Number;
        Json(context, Transcript.Get("77").Status, Transcript.Get("77").Json);
    }

    private void GetAlias(HttpListenerContext context, string name, string alias)
    {
        if (!FindModel(context, name, out var model)) return;
        if (!model.Aliases.TryGetValue(alias, out var number))
        {
            // Not a 404: the recorded server answers 400 for an unknown alias (PROTOCOL.md §3.2).
            Json(context, 400, new JsonObject
            {
                ["error_code"] = "INVALID_PARAMETER_VALUE", ["message"] = $"Registered model alias {alias} not found.",
            });
            return;
        }
        var version = model.Versions[number - 1];
        Json(context, Transcript.Get("79").Status, new JsonObject { ["model_version"] = Describe(model, version, withAliases: true) });
    }

    private void DeleteAlias(HttpListenerContext context, JsonObject json)
    {
        if (json["name"]?.GetValue<string>() is not { Length: > 0 } name)
        {
            MissingParameter(context, "name");
            return;
        }
        if (!FindModel(context, name, out var model)) return;
        model.Aliases.Remove(json["alias"]?.GetValue<string>() ?? "");
        Json(context, Transcript.Get("85").Status, Transcript.Get("85").Json);
    }

    private bool FindModel(HttpListenerContext context, string name, out ReplayModel model)
    {
        if (Models.TryGetValue(name, out model!)) return true;
        Error(context, Transcript.Get("86"), ("no-such-model", name));
        return false;
    }

    private bool FindVersion(HttpListenerContext context, string name, string number, out ReplayModel model, out ReplayModelVersion version)
    {
        version = null!;
        if (!FindModel(context, name, out model)) return false;
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            Json(context, 400, new JsonObject
            {
                ["error_code"] = "INVALID_PARAMETER_VALUE", ["message"] = $"Model version must be an integer, got '{number}'",
            });
            return false;
        }
        if (n < 1 || n > model.Versions.Count)
        {
            Error(context, Transcript.Get("87"), ("name=dotnet-demo, version=99", $"name={name}, version={number}"));
            return false;
        }
        version = model.Versions[n - 1];
        return true;
    }

    // Field order and omissions as recorded: tags only when present, aliases only when asked and present (73–79).
    private static JsonObject Describe(ReplayModel model, ReplayModelVersion version, bool withAliases)
    {
        var node = new JsonObject
        {
            ["name"] = model.Name,
            ["version"] = version.Number.ToString(CultureInfo.InvariantCulture),
            ["creation_timestamp"] = version.Created,
            ["last_updated_timestamp"] = version.Created,
            ["current_stage"] = "None",
            ["description"] = version.Description,
            ["source"] = version.Source,
            ["run_id"] = version.RunId,
            ["status"] = version.Status,
        };
        if (version.Tags.Count > 0) node["tags"] = Pairs(version.Tags);
        node["run_link"] = "";
        var aliases = model.Aliases.Where(a => a.Value == version.Number).Select(a => (JsonNode)a.Key).ToArray();
        if (withAliases && aliases.Length > 0) node["aliases"] = new JsonArray(aliases);
        return node;
    }

    private static JsonObject Describe(ReplayModel model, bool latest)
    {
        var node = new JsonObject
        {
            ["name"] = model.Name,
            ["creation_timestamp"] = model.Created,
            ["last_updated_timestamp"] = model.Updated,
            ["description"] = model.Description,
        };
        // latest_versions: the newest version per stage; every version here stays in stage None (78).
        if (latest && model.Versions.Count > 0) node["latest_versions"] = new JsonArray(Describe(model, model.Versions[^1], withAliases: false));
        if (model.Tags.Count > 0) node["tags"] = Pairs(model.Tags);
        if (model.Aliases.Count > 0)
            node["aliases"] = new JsonArray(model.Aliases.Select(a => (JsonNode)new JsonObject
            {
                ["alias"] = a.Key, ["version"] = a.Value.ToString(CultureInfo.InvariantCulture),
            }).ToArray());
        return node;
    }

    private static JsonArray Pairs(Dictionary<string, string> values) =>
        new(values.Select(v => (JsonNode)new JsonObject { ["key"] = v.Key, ["value"] = v.Value }).ToArray());

    private static JsonObject Body(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    // Flask's 405 page for POST to a GET-only search (PROTOCOL.md §3.6).
    private static void MethodNotAllowed(HttpListenerContext context)
    {
        context.Response.StatusCode = 405;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.OutputStream.Write("<!doctype html>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>"u8);
        context.Response.Close();
    }

    // What Python's json.dumps writes: the form the server stores the history tag in (65, 69).
    private static string PythonJson(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject map => "{" + string.Join(", ", map.Select(p => Quote(p.Key) + ": " + PythonJson(p.Value))) + "}",
        JsonArray list => "[" + string.Join(", ", list.Select(PythonJson)) + "]",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => Quote(value.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
            builder.Append(c switch
            {
                '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t",
                _ when c < 0x20 || c > 0x7e => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        return builder.Append('"').ToString();
    }

    [GeneratedRegex(@"name\s*=\s*'([^']*)'")]
    private static partial Regex NameFilter();

    [GeneratedRegex(@"run_id\s*=\s*'([^']*)'")]
    private static partial Regex RunFilter();

    [GeneratedRegex(@"^[\w\-]*$")]
    private static partial Regex AliasCharacters();

    [GeneratedRegex(@"^v\d+$")]
    private static partial Regex VersionAlias();
}

/// <summary>A registered model the replay server holds.</summary>
public sealed class ReplayModel(string name, long created)
{
    public string Name { get; } = name;
    public long Created { get; } = created;
    public long Updated { get; set; }
    public string Description { get; set; } = "";
    public Dictionary<string, string> Tags { get; } = [];
    public Dictionary<string, int> Aliases { get; } = [];
    public List<ReplayModelVersion> Versions { get; } = [];
}

/// <summary>One version of a <see cref="ReplayModel"/>.</summary>
public sealed class ReplayModelVersion(int number, string source, string runId, long created)
{
    public int Number { get; } = number;
    public string Source { get; } = source;
    public string RunId { get; } = runId;
    public long Created { get; } = created;
    public string Description { get; set; } = "";
    public string Status { get; set; } = "READY";
    public Dictionary<string, string> Tags { get; } = [];
}
