using System.Text.Json.Nodes;

namespace Lightning.Mlflow.Models;

/// <summary>One version of a registered model, as <c>model-versions/get</c> answers it (transcript 75).</summary>
public sealed record ModelVersion(
    string Name, string Version, string Source, string RunId, string Status, string? StatusMessage, string Stage, string Description,
    long CreationTimestamp, long LastUpdatedTimestamp, IReadOnlyList<string> Aliases)
{
    /// <summary>Status while a registry is still copying the files.</summary>
    public const string Pending = "PENDING_REGISTRATION";

    /// <summary>Status of a registration that failed.</summary>
    public const string Failed = "FAILED_REGISTRATION";

    /// <summary>Reads a <c>model_version</c> object.</summary>
    public static ModelVersion From(JsonNode node) => new(
        node["name"]!.GetValue<string>(), node["version"]!.ToString(), node["source"]?.GetValue<string>() ?? "",
        node["run_id"]?.GetValue<string>() ?? "", node["status"]?.GetValue<string>() ?? "READY", node["status_message"]?.GetValue<string>(),
        node["current_stage"]?.GetValue<string>() ?? "None", node["description"]?.GetValue<string>() ?? "",
        node["creation_timestamp"]?.GetValue<long>() ?? 0, node["last_updated_timestamp"]?.GetValue<long>() ?? 0,
        (node["aliases"]?.AsArray() ?? []).Select(a => a!.GetValue<string>()).ToList());
}
