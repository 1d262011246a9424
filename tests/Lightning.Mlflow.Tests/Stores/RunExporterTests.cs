using System.Text;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;

namespace Lightning.Mlflow.Tests.Stores;

/// <summary>runs push --from: a file-store run copied into a server keeps every point, param, tag, artifact and its status.</summary>
public sealed class RunExporterTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly ReplayServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void Push_CopiesTheWholeRun()
    {
        using (var tracker = new MlflowTracker(new FileStore(_root.Combine("mlruns")), new MlflowTrackerOptions { Experiment = "local" }))
        {
            tracker.StartRun(Rest.Start(parameters: new() { ["model/lr"] = "0.01" }, tags: new() { ["mlflow.user"] = "alice" }));
            tracker.LogMetrics([.. Rest.Points("loss", 5), new MetricPoint("val_loss", double.NaN, 5, 9)]);
            var checkpoint = _root.Combine("last.ckpt");
            File.WriteAllText(checkpoint, "weights");
            tracker.LogArtifact(checkpoint, "checkpoints/last.ckpt");
            tracker.EndRun(RunStatus.Failed, "boom");
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var stored = Assert.Single(FileStoreReader.Runs(_root.Combine("mlruns")));
        using var target = new RestStore(_server.Uri, Rest.Fast, _root.Combine("local"));
        var pushed = RunExporter.Push(stored, target).RunId;

        var run = _server.Runs[pushed];
        Assert.Equal("FAILED", run.Status);
        Assert.Equal("0.01", run.Params["model/lr"]);
        Assert.Equal("boom", run.Tags["mlflow.note.content"]);
        Assert.Equal(stored.RunId, run.Tags["lightning.pushed_from"]);
        Assert.Equal(Rest.Points("loss", 5).Select(p => (p.Value, p.Step, p.TimestampMs)), _server.Points(pushed, "loss"));
        Assert.True(double.IsNaN(Assert.Single(_server.Points(pushed, "val_loss")).Value));
        Assert.Equal("weights",
            Encoding.UTF8.GetString(_server.Artifacts.Single(a => a.Key.EndsWith("/checkpoints/last.ckpt", StringComparison.Ordinal)).Value));
        Assert.Equal("local", Assert.Single(_server.Experiments.Values).Name);
    }

    private StoredRun LocalRun()
    {
        using (var tracker = new MlflowTracker(new FileStore(_root.Combine("mlruns")), new MlflowTrackerOptions { Experiment = "local" }))
        {
            tracker.StartRun(Rest.Start(parameters: new() { ["model/lr"] = "0.01" }));
            tracker.LogMetrics(Rest.Points("loss", 3));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        return Assert.Single(FileStoreReader.Runs(_root.Combine("mlruns")));
    }

    [Fact]
    public void PushTwice_ToAServer_UpdatesTheFirstCopy()
    {
        var stored = LocalRun();
        using var target = new RestStore(_server.Uri, Rest.Fast, _root.Combine("local"));
        var first = RunExporter.Push(stored, target);
        // The local run went on after the first push: a point and a param the copy lacks.
        new FileStore(_root.Combine("mlruns")).LogBatch(stored.RunId, [new MetricPoint("loss", 9, 7, 1_700_000_000_007)],
            [KeyValuePair.Create("model/hidden", "64")], []);
        var second = RunExporter.Push(Assert.Single(FileStoreReader.Runs(_root.Combine("mlruns"))), target);

        Assert.False(first.Updated);
        Assert.True(second.Updated);
        Assert.Equal(first.RunId, second.RunId);
        Assert.Equal(first.RunId, Assert.Single(_server.Runs).Key);
        Assert.Equal([0L, 1, 2, 7], _server.Points(first.RunId, "loss").Select(p => p.Step));
        Assert.Equal("64", _server.Runs[first.RunId].Params["model/hidden"]);
        Assert.Equal("FINISHED", _server.Runs[first.RunId].Status);
    }

    [Fact]
    public void PushTwice_ToAFileStore_LeavesOneRun()
    {
        var stored = LocalRun();
        var target = new FileStore(_root.Combine("imported"));
        var first = RunExporter.Push(stored, target);
        var second = RunExporter.Push(stored, target);

        var copy = Assert.Single(FileStoreReader.Runs(_root.Combine("imported")));
        Assert.Equal(first.RunId, copy.RunId);
        Assert.Equal(first.RunId, second.RunId);
        Assert.Equal(3, copy.Metrics().Count());
    }
}
