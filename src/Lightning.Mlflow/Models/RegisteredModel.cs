using System.Text.Json.Nodes;

namespace Lightning.Mlflow.Models;

/// <summary>A registered model, as <c>registered-models/get</c> answers it (transcript 78).</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Description">Its description ("" when unset).</param>
/// <param name="CreationTimestamp">Created, ms since the epoch.</param>
/// <param name="LastUpdatedTimestamp">Last changed, ms since the epoch.</param>
/// <param name="LatestVersions">The newest version of each stage.</param>
/// <param name="Tags">Its tags.</param>
/// <param name="Aliases">Alias to version number.</param>
public sealed record RegisteredModel(
    string Name, string Description, long CreationTimestamp, long LastUpdatedTimestamp, IReadOnlyList<ModelVersion> LatestVersions,
    IReadOnlyDictionary<string, string> Tags, IReadOnlyDictionary<string, string> Aliases)
{
    /// <summary>Reads a <c>registered_model</c> object.</summary>
    public static RegisteredModel From(JsonNode node) => new(
        node["name"]!.GetValue<string>(), node["description"]?.GetValue<string>() ?? "",
        node["creation_timestamp"]?.GetValue<long>() ?? 0, node["last_updated_timestamp"]?.GetValue<long>() ?? 0,
        (node["latest_versions"]?.AsArray() ?? []).Select(v => ModelVersion.From(v!)).ToList(),
        (node["tags"]?.AsArray() ?? []).ToDictionary(t => t!["key"]!.GetValue<string>(), t => t!["value"]?.GetValue<string>() ?? ""),
        (node["aliases"]?.AsArray() ?? []).ToDictionary(a => a!["alias"]!.GetValue<string>(), a => a!["version"]!.ToString()));
}
