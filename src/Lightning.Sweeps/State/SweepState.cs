using System.Text.Json;
using System.Text.Json.Nodes;
using Lightning.Sweeps.Samplers;

namespace Lightning.Sweeps.State;

/// <summary>
/// A sweep's state, one JSON file in its folder (<c>.lightning/sweeps/&lt;id&gt;/state.json</c>), rewritten atomically
/// after every change, so <c>--resume ID</c> continues after the controller died: finished trials are kept, trials
/// that were running are queued again with the same parameters.
/// </summary>
internal sealed class SweepState
{
    public string Id { get; set; } = "";
    public string ConfigPath { get; set; } = "";
    public string? ParentRunId { get; set; }
    public int Planned { get; set; }
    public List<TrialRecord> Trials { get; set; } = [];

    public static string Root(string projectFolder) => Path.Combine(projectFolder, ".lightning", "sweeps");

    public string Folder(string projectFolder) => Path.Combine(Root(projectFolder), Id);

    public void Save(string projectFolder)
    {
        var folder = Folder(projectFolder);
        Directory.CreateDirectory(folder);
        var json = new JsonObject
        {
            ["id"] = Id,
            ["config"] = ConfigPath,
            ["parent_run_id"] = ParentRunId,
            ["planned"] = Planned,
            ["trials"] = new JsonArray(Trials.Select(t => (JsonNode)new JsonObject
            {
                ["number"] = t.Number,
                ["params"] = new JsonObject(t.Params.Select(p => KeyValuePair.Create(p.Key, Node(p.Value)))),
                ["state"] = t.State.ToString(),
                ["curve"] = new JsonObject(t.Curve.Select(c => KeyValuePair.Create(
                    c.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonNode?)Core.Serialization.JsonNumbers.From(c.Value)))),
                ["value"] = Core.Serialization.JsonNumbers.From(t.Value),
                ["exit_code"] = t.ExitCode,
                ["error"] = t.Error,
                ["run_id"] = t.RunId,
                ["attempts"] = t.Attempts,
                ["handle"] = t.Handle,
            }).ToArray()),
        };
        var path = Path.Combine(folder, "state.json");
        File.WriteAllText(path + ".tmp", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static SweepState Load(string projectFolder, string id)
    {
        var path = Path.Combine(Root(projectFolder), id, "state.json");
        if (!File.Exists(path)) throw new Running.SweepRefusedException($"No sweep '{id}' in {Root(projectFolder)}: {path} does not exist.");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return new SweepState
        {
            Id = json["id"]!.GetValue<string>(),
            ConfigPath = json["config"]!.GetValue<string>(),
            ParentRunId = json["parent_run_id"]?.GetValue<string>(),
            Planned = json["planned"]!.GetValue<int>(),
            Trials = json["trials"]!.AsArray().Select(t => new TrialRecord
            {
                Number = t!["number"]!.GetValue<int>(),
                Params = t["params"]!.AsObject().ToDictionary(p => p.Key, p => Scalar(p.Value!)),
                State = Enum.Parse<TrialState>(t["state"]!.GetValue<string>()),
                Curve = t["curve"]!.AsObject().ToDictionary(
                    c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture),
                    c => Core.Serialization.JsonNumbers.Read(c.Value) ?? double.NaN),
                Value = Core.Serialization.JsonNumbers.Read(t["value"]),
                ExitCode = t["exit_code"]?.GetValue<int>(),
                Error = t["error"]?.GetValue<string>(),
                RunId = t["run_id"]?.GetValue<string>(),
                Attempts = t["attempts"]?.GetValue<int>() ?? 0,
                Handle = t["handle"]?.GetValue<string>(),
            }).ToList(),
        };
    }

    private static JsonNode? Node(object value) => value switch
    {
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    private static object Scalar(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Number when node.ToJsonString().Contains('.') || node.ToJsonString().Contains('E') || node.ToJsonString().Contains('e')
            => node.GetValue<double>(),
        JsonValueKind.Number => node.GetValue<long>(),
        JsonValueKind.True or JsonValueKind.False => node.GetValue<bool>(),
        _ => node.GetValue<string>(),
    };
}
