using System.Globalization;
using System.Text.Json.Nodes;
using Lightning.Core.Checkpoints;
using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Models;

/// <summary>
/// The <c>MLmodel</c> file of a logged model, as MLflow's <c>Model.to_dict()</c> lays it out (transcripts 64, 67):
/// the dict goes into <c>runs/log-model</c> as JSON and into the file as YAML. The flavor is <c>lightning_dotnet</c>.
/// </summary>
public static class MlModelFile
{
    /// <summary>The file name MLflow looks for in a model folder.</summary>
    public const string FileName = "MLmodel";

    /// <summary>Our flavor's name in <c>flavors</c>.</summary>
    public const string Flavor = "lightning_dotnet";

    /// <summary>
    /// The MLmodel format version written in <c>mlflow_version</c>: the MLflow release whose layout these files follow
    /// (readers use it to pick a parser, so it names the format, not a package we ship).
    /// </summary>
    public const string FormatVersion = "2.12.2";

    /// <summary>The model dict for <paramref name="model"/> logged in run <paramref name="runId"/> at <paramref name="createdUtc"/>.</summary>
    public static JsonObject Describe(ModelPackage model, string runId, DateTimeOffset createdUtc, string modelUuid)
    {
        var size = Directory.EnumerateFiles(model.Folder).Where(f => Path.GetFileName(f) != FileName).Sum(f => new FileInfo(f).Length);
        var dict = new JsonObject
        {
            ["run_id"] = runId,
            ["artifact_path"] = ModelPackage.ArtifactPath,
            ["utc_time_created"] = createdUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            ["flavors"] = new JsonObject
            {
                [Flavor] = new JsonObject
                {
                    ["checkpoint"] = model.Checkpoint,
                    ["config"] = ModelPackage.ConfigFile,
                    ["framework"] = "TorchSharp",
                    ["libtorch_version"] = VersionInfo.LibTorch,
                    ["lightning_dotnet_version"] = VersionInfo.Lightning,
                    ["module_type"] = model.ModuleType,
                    ["torchsharp_version"] = VersionInfo.TorchSharp,
                    ["weights"] = ModelPackage.WeightsFile,
                    ["weights_sha256"] = model.WeightsSha256,
                },
            },
            ["model_uuid"] = modelUuid,
            ["mlflow_version"] = FormatVersion,
        };
        if (model.Outputs.Count > 0)
            dict["signature"] = new JsonObject { ["inputs"] = Specs(model.Inputs), ["outputs"] = Specs(model.Outputs), ["params"] = null };
        dict["model_size_bytes"] = size;
        return dict;
    }

    /// <summary>Writes the MLmodel YAML into the model's folder.</summary>
    public static void Write(string folder, JsonObject dict) => File.WriteAllText(Path.Combine(folder, FileName), PythonYaml.Write(dict));

    // MLflow's tensor signature: a JSON string holding the list of specs (transcript 67).
    private static string? Specs(IReadOnlyList<TensorSpec> specs) =>
        specs.Count == 0 ? null : PythonJson.Write(new JsonArray(specs.Select(s => (JsonNode)new JsonObject
        {
            ["type"] = "tensor",
            ["tensor-spec"] = new JsonObject { ["dtype"] = s.DType, ["shape"] = new JsonArray(s.Shape.Select(d => (JsonNode)d).ToArray()) },
        }).ToArray()));
}
