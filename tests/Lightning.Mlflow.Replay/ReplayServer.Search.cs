using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Lightning.Mlflow.Replay;

/// <summary>The read side: experiments/search, runs/search and artifacts/list, shaped as transcripts 54, 41 and 29.</summary>
public sealed partial class ReplayServer
{
    /// <summary>Page size the server uses when a search gives none (MLflow's default for runs/search).</summary>
    private const int DefaultPage = 1000;

    private void SearchExperiments(HttpListenerContext context, JsonObject json)
    {
        var active = Experiments.Values.Where(e => e.LifecycleStage == "active")
            .OrderByDescending(e => long.Parse(e.Id, CultureInfo.InvariantCulture)).ToList();
        var (page, next) = Page(active, json);
        var template = Transcript.Get("54");
        var body = template.Json;
        var shape = body["experiments"]![0]!.AsObject();
        body["experiments"] = new JsonArray(page.Select(e => (JsonNode)Fill(shape.DeepClone().AsObject(), e)).ToArray());
        if (next is not null) body["next_page_token"] = next;
        Json(context, template.Status, body);
    }

    private void SearchRuns(HttpListenerContext context, JsonObject json)
    {
        KeyValuePair<string, string>? tagFilter = json["filter"]?.GetValue<string>() is { Length: > 0 } filter ? TagEquals(filter) : null;
        var order = json["order_by"]?.AsArray().Select(o => o!.GetValue<string>()).ToList() ?? [];
        if (order.Count > 0 && order is not ["attributes.start_time DESC"])
            throw new NotSupportedException(
                $"The replay server orders runs/search by attributes.start_time DESC only; got {string.Join(", ", order)}.");
        var experiments = (json["experiment_ids"]?.AsArray() ?? []).Select(e => e!.GetValue<string>()).ToHashSet();
        // MLflow's default order is start_time DESC too (then run id); ACTIVE_ONLY is the default view.
        var matching = Runs.Values
            .Where(r => experiments.Contains(r.Info["experiment_id"]!.GetValue<string>())
                && r.Info["lifecycle_stage"]?.GetValue<string>() != "deleted"
                && (tagFilter is not { } wanted || r.Tags.GetValueOrDefault(wanted.Key) == wanted.Value))
            .OrderByDescending(r => r.Info["start_time"]!.GetValue<long>())
            .ThenBy(r => r.Info["run_id"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
        var (page, next) = Page(matching, json);
        var template = Transcript.Get("41");
        var body = template.Json;
        body["runs"] = new JsonArray(page.Select(run => (JsonNode)new JsonObject
        {
            ["info"] = run.Info.DeepClone(),
            ["data"] = new JsonObject
            {
                // The latest point of each metric (by step, then timestamp), as the server's search answers.
                ["metrics"] = new JsonArray(run.Metrics.GroupBy(m => m.Key).Select(g => g.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).Last())
                    .Select(m => (JsonNode)new JsonObject
                    {
                        ["key"] = m.Key, ["value"] = Wire(m.Value), ["timestamp"] = m.Timestamp, ["step"] = m.Step
                    }).ToArray()),
                ["params"] = Pairs(run.Params),
                ["tags"] = Pairs(run.Tags),
            },
        }).ToArray());
        if (next is not null) body["next_page_token"] = next;
        Json(context, template.Status, body);
    }

    private void ListArtifacts(HttpListenerContext context, string runId, string? folder)
    {
        if (!Runs.TryGetValue(runId, out var run))
        {
            Error(context, Transcript.Get("44"), ("00000000000000000000000000000000", runId));
            return;
        }
        var root = run.Info["artifact_uri"]!.GetValue<string>();
        var prefix = $"{run.Info["experiment_id"]}/{runId}/artifacts/" + (string.IsNullOrEmpty(folder) ? "" : folder.TrimEnd('/') + "/");
        var entries = Artifacts.Where(a => a.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(a => (Below: a.Key[prefix.Length..], Size: (long)a.Value.Length))
            .GroupBy(a => a.Below.Split('/')[0], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var path = (string.IsNullOrEmpty(folder) ? "" : folder.TrimEnd('/') + "/") + g.Key;
                var isDir = g.Any(a => a.Below.Contains('/', StringComparison.Ordinal));
                var node = new JsonObject { ["path"] = path, ["is_dir"] = isDir };
                if (!isDir) node["file_size"] = g.Single().Size;
                return (JsonNode)node;
            }).ToArray();
        var template = Transcript.Get("29");
        var body = template.Json;
        body["root_uri"] = root;
        body["files"] = new JsonArray(entries);
        Json(context, template.Status, body);
    }

    // The one filter form the client sends (runs push finding its earlier copy): tags.`key` = 'value'.
    private static KeyValuePair<string, string> TagEquals(string filter)
    {
        var match = System.Text.RegularExpressions.Regex.Match(filter, @"^tags\.`?([^`=]+?)`?\s*=\s*'((?:[^'\\]|\\.)*)'$");
        if (!match.Success)
            throw new NotSupportedException($"The replay server answers runs/search filters tags.`key` = 'value' only; got '{filter}'.");
        return KeyValuePair.Create(match.Groups[1].Value, match.Groups[2].Value.Replace("\\'", "'", StringComparison.Ordinal));
    }

    // page_token is opaque to clients; like MLflow's, it is base64 of the offset to continue from.
    private static (List<T> Page, string? Next) Page<T>(List<T> all, JsonObject json)
    {
        var size = json["max_results"]?.GetValue<int>() ?? DefaultPage;
        var offset = json["page_token"]?.GetValue<string>() is { Length: > 0 } token
            ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture)
            : 0;
        var page = all.Skip(offset).Take(size).ToList();
        var next = offset + size < all.Count
            ? Convert.ToBase64String(Encoding.UTF8.GetBytes((offset + size).ToString(CultureInfo.InvariantCulture)))
            : null;
        return (page, next);
    }

    private static JsonArray Pairs(IReadOnlyDictionary<string, string> values) =>
        new(values.Select(v => (JsonNode)new JsonObject { ["key"] = v.Key, ["value"] = v.Value }).ToArray());

    // As the server writes them (transcript 38): NaN as the string "NaN", ±Infinity as ±max double.
    private static JsonNode Wire(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? double.MaxValue
        : double.IsNegativeInfinity(value) ? -double.MaxValue
        : value;
}
