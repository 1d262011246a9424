using System.Text.Json.Nodes;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Models;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.TestSupport;

namespace Lightning.Mlflow.Tests.Models;

/// <summary>
/// The file store's models/ layout and the logged-model files, field by field against what MLflow 2.12.2's Python
/// client wrote (transcript 97) and what its server stored and served (64, 67).
/// </summary>
public sealed class FileLayoutTests : IDisposable
{
    private const long Created = 1796046789948;
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public void Registry_WritesModelVersionAndAliasFilesAsRecorded()
    {
        var root = _work.Combine("mlruns-fs");
        var store = new FileStore(root);
        var run = store.CreateRun(new RunRequest("filestore-probe", "fs-model-run", "root", Created, new Dictionary<string, string>()));
        var source = $"{run.ArtifactUri}/model";
        var registry = new FileRegistry(root, new FixedTime(Created));
        ModelRegistration.Register(registry, "fs-demo", source, run.RunId);
        registry.SetAlias("fs-demo", "champion", "1");

        var recorded = Listing();
        string Expected(string path) => recorded[path]
            .Replace($"file://<scratch-dir>/mlruns-fs/205438103637453491/496ab7853b9f47e38cd2d7fa36a31fca", run.ArtifactUri[..^"/artifacts".Length],
                StringComparison.Ordinal)
            .Replace("496ab7853b9f47e38cd2d7fa36a31fca", run.RunId, StringComparison.Ordinal)
            .Replace("1796046789946", Created.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("1796046789955", Created.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            // The recording set a description afterwards (update_registered_model); registering alone leaves none.
            .Replace("description: file-store demo model", "description: null", StringComparison.Ordinal);
        string Actual(string path) => File.ReadAllText(Path.Combine(root, path));
        foreach (var path in new[] { "models/fs-demo/meta.yaml", "models/fs-demo/version-1/meta.yaml", "models/fs-demo/aliases/champion" })
            Assert.Equal(Expected(path), Actual(path));
        Assert.Equal("1", registry.GetByAlias("fs-demo", "champion").Version);
        var typo = Assert.Throws<MlflowException>(() => registry.GetByAlias("fs-demo", "champoin"));
        Assert.EndsWith("has no alias 'champoin' in " + registry.Uri + "; its aliases: champion (version 1).", typo.Message);
    }

    [Fact]
    public void LogModel_WritesTheHistoryTagAsTheClientDoes()
    {
        var root = _work.Combine("mlruns");
        var store = new FileStore(root);
        var run = store.CreateRun(new RunRequest("e", "r", "root", Created, new Dictionary<string, string>()));
        var recorded = Listing()["205438103637453491/496ab7853b9f47e38cd2d7fa36a31fca/tags/mlflow.log-model.history"];
        var element = JsonNode.Parse(recorded)!.AsArray()[0]!.ToJsonString();
        store.LogModel(run.RunId, element);
        Assert.Equal(recorded, File.ReadAllText(Path.Combine(root, run.ExperimentId, run.RunId, "tags", "mlflow.log-model.history")));
        store.LogModel(run.RunId, element);
        Assert.Equal($"[{recorded[1..^1]}, {recorded[1..^1]}]",
            File.ReadAllText(Path.Combine(root, run.ExperimentId, run.RunId, "tags", "mlflow.log-model.history")));
    }

    [Fact]
    public void MlModel_IsTheYamlOfTheModelJson()
    {
        // Transcript 64 sent the dict as model_json; 67 is the MLmodel file of the same model. PyYAML folds one long
        // line there; we write it unfolded, which reads back the same.
        var request = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Transcripts", "64-runs-log-model-python-client.txt"));
        var body = JsonNode.Parse(request[Array.IndexOf(request, "### request body:") + 1])!;
        var dict = JsonNode.Parse(body["model_json"]!.GetValue<string>())!.AsObject();
        var file = Transcript.Get("67").Body.Replace("[-1,\n    2]", "[-1, 2]", StringComparison.Ordinal) + "\n";
        Assert.Equal(file, PythonYaml.Write(dict));
    }

    [Fact]
    public void MlModel_DescribesOurFlavorAndSignature()
    {
        var folder = _work.Combine("model");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, ModelPackage.WeightsFile), new byte[100]);
        File.WriteAllText(Path.Combine(folder, ModelPackage.ConfigFile), "model:\n  hidden: 8\n");
        var package = new ModelPackage(folder, "Demo.DemoModule", "checkpoints/last.ckpt", "ab12", [new TensorSpec("float32", [-1, 4])],
            [new TensorSpec("float32", [-1, 2])]);
        var dict = MlModelFile.Describe(package, "0f3c2b1a9e8d4c7b6a5f4e3d2c1b0a99", DateTimeOffset.FromUnixTimeMilliseconds(Created),
            "46306a47055f4d92aa3fb86e78e5a979");
        var recorded = JsonNode.Parse(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Transcripts", "64-runs-log-model-python-client.txt"))
            .SkipWhile(l => l != "### request body:").Skip(1).First())!["model_json"]!.GetValue<string>();
        var python = JsonNode.Parse(recorded)!.AsObject();
        // Model.to_dict()'s key order, and the signature strings exactly as Python writes them.
        Assert.Equal(["run_id", "artifact_path", "utc_time_created", "flavors", "model_uuid", "mlflow_version", "signature", "model_size_bytes"],
            dict.Select(p => p.Key));
        Assert.Equal(python["signature"]!.ToJsonString(), dict["signature"]!.ToJsonString());
        Assert.Equal("2026-11-30 13:53:09.948000", dict["utc_time_created"]!.GetValue<string>());
        Assert.Equal(100 + "model:\n  hidden: 8\n".Length, dict["model_size_bytes"]!.GetValue<long>());
        var flavor = dict["flavors"]!["lightning_dotnet"]!;
        Assert.Equal(("Demo.DemoModule", "checkpoints/last.ckpt", "ab12", "model.safetensors"),
            (flavor["module_type"]!.GetValue<string>(), flavor["checkpoint"]!.GetValue<string>(), flavor["weights_sha256"]!.GetValue<string>(),
                flavor["weights"]!.GetValue<string>()));
    }

    // Transcript 97's files: "--- path" then the content; "(no trailing newline)" marks files without one.
    private static Dictionary<string, string> Listing()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Transcripts", "97-filestore-registry-datasets-layout.txt"));
        var files = new Dictionary<string, string>();
        foreach (var part in text.Split("\n--- ").Skip(1))
        {
            var header = part[..part.IndexOf('\n', StringComparison.Ordinal)];
            var content = part[(header.Length + 1)..];
            var end = content.IndexOf("\n\n", StringComparison.Ordinal);
            content = end < 0 ? content : content[..(end + 1)];
            var path = header.Split("   ")[0].Trim();
            files[path] = header.Contains("(no trailing newline)", StringComparison.Ordinal) ? content.TrimEnd('\n') : content;
        }
        return files;
    }

    private sealed class FixedTime(long ms) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }
}
