using Lightning.Core.Tracking;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;

namespace Lightning.Mlflow.Tests.Stores;

/// <summary>runs list|show against a server: experiments/search, runs/search with paging, artifacts/list.</summary>
public sealed class RestRunReaderTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly ReplayServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _root.Dispose();
    }

    private RunHandle Run(RestStore store, string experiment, string name, long start)
    {
        var run = store.CreateRun(new RunRequest(experiment, name, "alice", start, new Dictionary<string, string> { ["sweep.id"] = name }));
        store.LogBatch(run.RunId,
            [new MetricPoint("loss", 2, 1, start), new MetricPoint("loss", 1, 2, start + 1), new MetricPoint("val_loss", double.NaN, 2, start + 1)],
            [KeyValuePair.Create("model/lr", name)], []);
        return run;
    }

    [Fact]
    public void Runs_AreEveryExperimentsNewestFirst_AcrossPages_WithTheirLatestValues()
    {
        using (var store = new RestStore(_server.Uri, Rest.Fast, _root.Path))
        {
            Run(store, "alpha", "oldest", 1_000);
            Run(store, "beta", "middle", 2_000);
            var newest = Run(store, "alpha", "newest", 3_000);
            store.UpdateRun(newest.RunId, RunStatus.Finished, 3_500);
        }
        // A page of one: three runs/search pages and two experiments/search pages, each following next_page_token.
        using var reader = new RestRunReader(_server.Uri, Rest.Fast, pageSize: 1);
        var runs = reader.Runs();
        Assert.Equal(["newest", "middle", "oldest"], runs.Select(r => r.RunName));
        Assert.Equal(["alpha", "beta", "alpha"], runs.Select(r => r.ExperimentName));
        Assert.Equal(["FINISHED", "RUNNING", "RUNNING"], runs.Select(r => r.Status));
        Assert.All(runs, r =>
        {
            Assert.Equal(1, r.LatestMetrics["loss"]);
            Assert.True(double.IsNaN(r.LatestMetrics["val_loss"]));
            Assert.Equal(r.RunName, r.Params["model/lr"]);
            Assert.Equal(r.RunName, r.Tags["sweep.id"]);
        });
        Assert.Equal(3, _server.Requests.Count(q => q.PathAndQuery.EndsWith("runs/search", StringComparison.Ordinal)));
        Assert.Equal(2, _server.Requests.Count(q => q.PathAndQuery.EndsWith("experiments/search", StringComparison.Ordinal)));
        Assert.Equal(["newest", "middle"], reader.Runs(limit: 2).Select(r => r.RunName));
        Assert.Empty(_server.ServerErrors);
    }

    [Fact]
    public void Artifacts_ListsEveryFileBelowTheRoot_WithSizes()
    {
        using var store = new RestStore(_server.Uri, Rest.Fast, _root.Path);
        var run = Run(store, "alpha", "with-files", 1_000);
        File.WriteAllText(_root.Combine("config.yaml"), "a: 1\n");
        File.WriteAllText(_root.Combine("last.ckpt"), "weights!");
        store.UploadArtifact(run, _root.Combine("config.yaml"), "config.yaml");
        store.UploadArtifact(run, _root.Combine("last.ckpt"), "checkpoints/deep/last.ckpt");

        using var reader = new RestRunReader(_server.Uri, Rest.Fast);
        var files = reader.Artifacts(run.RunId).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        Assert.Equal([new ArtifactEntry("checkpoints/deep/last.ckpt", 8), new ArtifactEntry("config.yaml", 5)], files);
        Assert.Empty(_server.ServerErrors);
    }

    [Fact]
    public void AnUnknownRun_IsTheServersError()
    {
        using var reader = new RestRunReader(_server.Uri, Rest.Fast);
        var error = Assert.Throws<MlflowException>(() => reader.Artifacts("0123456789abcdef0123456789abcdef"));
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", error.ErrorCode);
        Assert.Contains("0123456789abcdef0123456789abcdef", error.Message);
    }
}
