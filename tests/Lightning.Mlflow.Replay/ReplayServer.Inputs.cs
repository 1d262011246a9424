using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Lightning.Mlflow.Replay;

/// <summary>Data set inputs (transcripts 91–93) and the System metrics tab's bulk history (96).</summary>
public sealed partial class ReplayServer
{
    private void LogInputs(HttpListenerContext context, JsonObject json)
    {
        if (!FindRun(context, json, out var run)) return;
        if (json["datasets"] is not JsonArray datasets)
        {
            MissingParameter(context, "datasets");
            return;
        }
        foreach (var input in datasets)
        {
            var dataset = input?["dataset"]?.AsObject() ?? [];
            if ((dataset["digest"]?.GetValue<string>() ?? "").Length > 36)
            {
                InvalidValue(context, "Dataset digest exceeds the maximum length of 36");
                return;
            }
            if ((input?["tags"]?.AsArray() ?? []).Any(t => (t?["value"]?.GetValue<string>() ?? "").Length > 500))
            {
                InvalidValue(context, "InputTag value exceeds the maximum length of 500");
                return;
            }
        }
        foreach (var input in datasets)
        {
            var dataset = input!["dataset"]!.AsObject();
            var name = dataset["name"]?.GetValue<string>() ?? "";
            var digest = dataset["digest"]?.GetValue<string>() ?? "";
            // A data set is (name, digest): logged again to the same run it is ignored, its new tags too (91's note).
            if (run.Inputs.Any(i => i["dataset"]!["name"]!.GetValue<string>() == name && i["dataset"]!["digest"]!.GetValue<string>() == digest))
                continue;
            var stored = new JsonObject { ["name"] = name, ["digest"] = digest };
            foreach (var field in new[] { "source_type", "source", "schema", "profile" })
                if (dataset[field] is { } value) stored[field] = value.GetValue<string>();
            run.Inputs.Add(new JsonObject
            {
                ["tags"] = new JsonArray([.. (input["tags"]?.AsArray() ?? []).Select(t => t!.DeepClone())]),
                ["dataset"] = stored,
            });
        }
        Json(context, Transcript.Get("91").Status, Transcript.Get("91").Json);
    }

    // Transcript 96: every point of one metric of the run, each with its run_id, ordered by step (the UI asks for 320).
    private void GetHistoryBulkInterval(HttpListenerContext context, string runIds, string key, string? maxResults)
    {
        var limit = int.Parse(maxResults ?? "320", CultureInfo.InvariantCulture);
        var points = new JsonArray();
        foreach (var runId in runIds.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Runs.TryGetValue(runId, out var run))
            {
                Error(context, Transcript.Get("45"), ("00000000000000000000000000000000", runId));
                return;
            }
            var series = run.Metrics.Where(m => m.Key == key).OrderBy(m => m.Step).ThenBy(m => m.Timestamp).ToList();
            if (series.Count > limit)
                throw new NotSupportedException($"The replay server does not sample histories: {series.Count} points of '{key}' > {limit}.");
            foreach (var m in series)
                points.Add(new JsonObject
                {
                    ["key"] = m.Key, ["value"] = Wire(m.Value), ["timestamp"] = m.Timestamp, ["step"] = m.Step, ["run_id"] = runId,
                });
        }
        var body = Transcript.Get("96").Json;
        body["metrics"] = points;
        Json(context, Transcript.Get("96").Status, body);
    }

    private static void InvalidValue(HttpListenerContext context, string message) =>
        Json(context, 400, new JsonObject { ["error_code"] = "INVALID_PARAMETER_VALUE", ["message"] = message });
}
