using System.Security.Cryptography;
using System.Text;

namespace Lightning.Mlflow.Stores;

public sealed partial class FileStore
{
    /// <inheritdoc />
    /// <remarks>
    /// The layout of transcript 97: <c>&lt;exp&gt;/datasets/md5(name + digest)/meta.yaml</c> and
    /// <c>&lt;run&gt;/inputs/md5(dataset_id + run_id)/meta.yaml</c>, each written once and never rewritten, as MLflow's
    /// FileStore does (a data set logged again with another context keeps its first tags).
    /// </remarks>
    public void LogInputs(string runId, IReadOnlyList<DatasetInput> inputs)
    {
        var runFolder = RunFolder(runId);
        var experimentFolder = Path.GetDirectoryName(runFolder)!;
        foreach (var input in inputs)
        {
            var datasetId = Md5(input.Name + input.Digest);
            var dataset = Path.Combine(experimentFolder, "datasets", datasetId, "meta.yaml");
            if (!File.Exists(dataset))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(dataset)!);
                MetaYaml.Write(dataset, new Dictionary<string, object?>
                {
                    ["digest"] = input.Digest,
                    ["name"] = input.Name,
                    ["profile"] = input.Profile.Length > 0 ? input.Profile : null,
                    ["schema"] = input.Schema.Length > 0 ? input.Schema : null,
                    ["source"] = input.Source,
                    ["source_type"] = input.SourceType,
                });
            }
            var meta = Path.Combine(runFolder, "inputs", Md5(datasetId + runId), "meta.yaml");
            if (File.Exists(meta)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(meta)!);
            MetaYaml.Write(meta, new Dictionary<string, object?>
            {
                // MLflow 2.12.2 writes the data set's id here, not the run's; its reader ignores the field.
                ["destination_id"] = datasetId,
                ["destination_type"] = "RUN",
                ["source_id"] = datasetId,
                ["source_type"] = "DATASET",
                ["tags"] = new Dictionary<string, string> { [DatasetInput.ContextTag] = input.Context },
            });
        }
    }

    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
}
