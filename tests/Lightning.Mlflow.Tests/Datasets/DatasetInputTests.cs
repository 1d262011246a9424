using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Lightning.Core.Data;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;

namespace Lightning.Mlflow.Tests.Datasets;

/// <summary>A data module's description reaches MLflow as its own client sends it (91, 92) and as its FileStore lays it out (97).</summary>
public sealed class DatasetInputTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly ReplayServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _root.Dispose();
    }

    private static DatasetDescription Described(string name, string source, string digest, DatasetContext context, long rows, string x1, string x2) =>
        new(name, source, digest, context) { Rows = rows, Schema = [new("x1", x1), new("x2", x2), new("label", "long")] };

    [Fact]
    public async Task LogInputs_SendsTranscript91_AndRunsGetAnswersAs92()
    {
        using var store = new RestStore(_server.Uri, Rest.Fast, _root.Combine("local"));
        var run = store.CreateRun(new RunRequest("datasets", "dataset-curl", "alice", 1, new Dictionary<string, string>()));

        store.LogInputs(run.RunId,
        [
            DatasetInput.From(Described("demo-train", "data/train.csv", "9f2c61d0", DatasetContext.Training, 800, "float", "float")),
            DatasetInput.From(
                Described("demo-val", "https://example.org/data/val.csv", "4be07a13", DatasetContext.Validation, 200, "float", "float")),
        ]);

        var sent = JsonNode.Parse(_server.Requests.Single(r => r.PathAndQuery.EndsWith("/runs/log-inputs", StringComparison.Ordinal)).Text)!;
        var recorded = TranscriptFiles.RequestBody("91");
        recorded["run_id"] = run.RunId;
        Assert.True(JsonNode.DeepEquals(recorded, sent), $"sent {sent.ToJsonString()}");

        using var http = new HttpClient();
        var answer = JsonNode.Parse(await http.GetStringAsync(new Uri(_server.Uri, $"api/2.0/mlflow/runs/get?run_id={run.RunId}")))!;
        var expected = Transcript.Get("92").Json["run"]!["inputs"];
        Assert.True(JsonNode.DeepEquals(expected, answer["run"]!["inputs"]), answer["run"]!["inputs"]!.ToJsonString());
    }

    [Fact]
    public void FileStore_WritesDatasetsAndInputs_FieldByFieldAsTranscript97()
    {
        var store = new FileStore(_root.Combine("mlruns"));
        var run = store.CreateRun(new RunRequest("filestore-probe", "fs-model-run", "root", 1, new Dictionary<string, string>()));
        var train = DatasetInput.From(Described("demo-train", "data/train.csv", "134be314", DatasetContext.Training, 4, "double", "long"));
        var validation = DatasetInput.From(Described("demo-val", "data/val.csv", "45d48335", DatasetContext.Validation, 2, "double", "long"));
        store.LogInputs(run.RunId, [train, validation]);
        // Logged again with another context: MLflow keeps the first input and its tags.
        store.LogInputs(run.RunId, [train with { Context = "validation" }]);

        var experiment = _root.Combine("mlruns", run.ExperimentId);
        const string Recorded = "205438103637453491";
        foreach (var datasetId in new[] { "3ab292260ce6bc49ca1378806db4e277", "734967d777945edb69a2dd0cd971d23c" })
        {
            Assert.Equal(YamlTree.Canonical(TranscriptFiles.ListedFile("97", $"{Recorded}/datasets/{datasetId}/meta.yaml")),
                YamlTree.Canonical(File.ReadAllText(Path.Combine(experiment, "datasets", datasetId, "meta.yaml"))));
        }
        var pairs = new[]
        {
            ("3ab292260ce6bc49ca1378806db4e277", "283bb984bac0680b0eb9521361976d5e"),
            ("734967d777945edb69a2dd0cd971d23c", "669b766cfd6491724f258e8ecbac7a1f"),
        };
        foreach (var (datasetId, recordedInput) in pairs)
        {
            var inputId = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(datasetId + run.RunId)));
            var recorded = $"{Recorded}/496ab7853b9f47e38cd2d7fa36a31fca/inputs/{recordedInput}/meta.yaml";
            Assert.Equal(YamlTree.Canonical(TranscriptFiles.ListedFile("97", recorded)),
                YamlTree.Canonical(File.ReadAllText(Path.Combine(experiment, run.RunId, "inputs", inputId, "meta.yaml"))));
        }
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(experiment, run.RunId, "inputs")).Length);
    }

    [Fact]
    public void FileDigest_IsTheFirstEightHexDigitsOfTheFilesMd5()
    {
        var file = _root.Combine("train.csv");
        File.WriteAllText(file, "x1,x2,label\n1,2,0\n");
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(file)))[..8], DatasetDigest.OfFile(file));
    }
}
