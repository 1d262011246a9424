using System.Text.Json.Nodes;
using Lightning.Mlflow.Models;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;
using static TorchSharp.torch;

namespace Lightning.Mlflow.Tests.Models;

/// <summary>Fits in this process (the app host with UseMlflow) that log, register and load back a model.</summary>
[Collection(ModelFitCollection.Name)]
public sealed class ModelFitTests : IDisposable
{
    private readonly ReplayServer _server = new();
    private readonly TempDirectory _work = new();

    public void Dispose()
    {
        _server.Dispose();
        _work.Dispose();
    }

    [Fact]
    public void FitWithRegisterModel_LogsTheModelThenRegistersVersion1Then2()
    {
        string[] args = ["fit", $"--tracking.uri={_server.Uri}", "--tracking.experiment=models", "--tracking.register_model=regression"];
        var first = RegressionApp.Run(_work.Path, args);
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        var requestsOfFirst = _server.Requests.Count;
        var second = RegressionApp.Run(_work.Path, args);
        Assert.True(second.ExitCode == 0, second.Output + second.Error);
        Assert.Contains("registered the model as version 1 of 'regression'", first.Output);
        Assert.Contains("registered the model as version 2 of 'regression'", second.Output);

        var versions = _server.Models["regression"].Versions;
        Assert.Equal([1, 2], versions.Select(v => v.Number));
        foreach (var version in versions)
        {
            var run = _server.Runs[version.RunId];
            // The run's resolved artifact location, never runs:/ (transcript 99).
            Assert.Equal($"{run.Info["artifact_uri"]!.GetValue<string>()}/model", version.Source);
            var model = Assert.Single(JsonNode.Parse(run.Tags["mlflow.log-model.history"])!.AsArray())!;
            Assert.Equal((version.RunId, "model"), (model["run_id"]!.GetValue<string>(), model["artifact_path"]!.GetValue<string>()));
            Assert.Equal(typeof(RegressionModule).FullName, model["flavors"]!["lightning_dotnet"]!["module_type"]!.GetValue<string>());
            Assert.Equal("""[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]""",
                model["signature"]!["inputs"]!.GetValue<string>());
            Assert.Equal("""[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}]""",
                model["signature"]!["outputs"]!.GetValue<string>());
            var prefix = version.Source["mlflow-artifacts:/".Length..];
            foreach (var file in new[] { "MLmodel", "model.safetensors", "config.yaml" })
                Assert.True(_server.Artifacts.ContainsKey($"{prefix}/{file}"), $"{file} was not uploaded");
        }

        // Order of the first fit: the model's files, then runs/log-model, then the registry, then the run's end.
        var calls = _server.Requests.Take(requestsOfFirst).Select(r => (r.Method, Path: r.PathAndQuery.Split('?')[0])).ToList();
        var lastPut = calls.FindLastIndex(c => c.Method == "PUT" && c.Path.Contains("/artifacts/model/", StringComparison.Ordinal));
        var logModel = calls.FindIndex(c => c.Path.EndsWith("runs/log-model", StringComparison.Ordinal));
        var create = calls.FindIndex(c => c.Path.EndsWith("registered-models/create", StringComparison.Ordinal));
        var version1 = calls.FindIndex(c => c.Path.EndsWith("model-versions/create", StringComparison.Ordinal));
        var end = calls.FindLastIndex(c => c.Path.EndsWith("runs/update", StringComparison.Ordinal));
        Assert.True(lastPut >= 0 && lastPut < logModel && logModel < create && create < version1 && version1 < end,
            string.Join(", ", calls.Select(c => c.Path)));
    }

    [Fact]
    public void LoadFromModel_ByAlias_PredictsAsTheTrainedModule()
    {
        var probe = new ProbeCallback();
        var fit = RegressionApp.Run(_work.Path,
            ["fit", $"--tracking.uri={_server.Uri}", "--tracking.register_model=reg", "--tracking.log_model=last", "--model.hidden=6"], probe);
        Assert.True(fit.ExitCode == 0, fit.Output + fit.Error);
        using (var store = new RestStore(_server.Uri, Rest.Fast, _work.Combine("local")))
            ModelRegistries.For(store).SetAlias("reg", "champion", "1");

        var cache = _work.Combine("cache");
        // The static extension users call on their own module type; the options (hidden=6) come from the model's config.yaml.
        using var module = RegressionModule.LoadFromModel("models:/reg@champion", _server.Uri.ToString(), cache);
        using var _ = no_grad();
        using var predicted = module.Forward(RegressionData.Probe());
        Assert.True(probe.Predictions!.eq(predicted).all().item<bool>(), "the loaded model predicts otherwise than the trained one");
        Assert.False(module.training);

        // A second load takes the weights from the cache: only the MLmodel is downloaded again.
        using var again = RegressionModule.LoadFromModel("models:/reg/1", _server.Uri.ToString(), cache);
        Assert.Single(_server.Requests, r => r.Method == "GET" && r.PathAndQuery.EndsWith("/model/model.safetensors", StringComparison.Ordinal));
    }

    [Fact]
    public void FileStore_RegistersAndLoadsBackByRunAndByVersion()
    {
        var probe = new ProbeCallback();
        var mlruns = _work.Combine("mlruns");
        var fit = RegressionApp.Run(_work.Path,
            ["fit", $"--tracking.uri={mlruns}", "--tracking.register_model=fs", "--tracking.log_model=last"], probe);
        Assert.True(fit.ExitCode == 0, fit.Output + fit.Error);
        var version = new FileRegistry(mlruns).GetVersion("fs", "1");
        Assert.StartsWith("file://", version.Source);
        Assert.True(File.Exists(Path.Combine(new Uri(version.Source).LocalPath, "MLmodel")));
        foreach (var uri in new[] { "models:/fs/1", $"runs:/{version.RunId}/model", new Uri(version.Source).LocalPath })
        {
            using var module = ModelLoader.Load<RegressionModule>(uri, mlruns);
            using var _ = no_grad();
            using var predicted = module.Forward(RegressionData.Probe());
            Assert.True(probe.Predictions!.eq(predicted).all().item<bool>(), uri);
        }
        var wrong = Assert.Throws<MlflowException>(() => ModelLoader.Load<RegressionModule>("models:/fs@champion", mlruns));
        Assert.Contains("has no alias 'champion'", wrong.Message);
        Assert.EndsWith("it has none yet: dotnet lightning models alias fs champion VERSION sets one.", wrong.Message);

        // predict --model: the app's own store, the model's weights; the predictions are the trained module's.
        var output = _work.Combine("predictions.safetensors");
        var predict = RegressionApp.Run(_work.Path, ["predict", "--model", "models:/fs/1", $"--tracking.uri={mlruns}", "--predictions", output]);
        Assert.True(predict.ExitCode == 0, predict.Output + predict.Error);
        Assert.Contains("Using the weights of models:/fs/1 (file://", predict.Output);
        using var trained = ModelLoader.Load<RegressionModule>("models:/fs/1", mlruns);
        using var __ = no_grad();
        var (x, _) = RegressionData.Rows();
        using var expected = trained.Forward(x[32..]);
        using var saved = TorchSharp.PyBridge.Safetensors.LoadStateDict(output)["predictions"];
        Assert.True(expected.eq(saved).all().item<bool>(), "predict --model predicted otherwise");
        var missing = RegressionApp.Run(_work.Path, ["predict", "--model", "models:/fs/7", $"--tracking.uri={mlruns}"]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("Version 7 of registered model 'fs' does not exist", missing.Error);
    }

    [Fact]
    public void LogModelNone_LogsNothing()
    {
        var fit = RegressionApp.Run(_work.Path, ["fit", $"--tracking.uri={_server.Uri}", "--tracking.log_model=none"]);
        Assert.True(fit.ExitCode == 0, fit.Output + fit.Error);
        Assert.DoesNotContain(_server.Requests, r => r.PathAndQuery.Contains("log-model", StringComparison.Ordinal));
        Assert.DoesNotContain("mlflow.log-model.history", Assert.Single(_server.Runs.Values).Tags.Keys);
    }
}

/// <summary>Fits seed torch's global generator: they run one at a time, apart from other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ModelFitCollection
{
    public const string Name = "Model fits";
}
