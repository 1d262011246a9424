using Lightning.Core.Tracking;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;

namespace Lightning.Mlflow.Tests.Tracking;

/// <summary>Issue 9, item 8 (tracker side): a fit resumed from a checkpoint continues the run that wrote it, when the store holds it.</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class ResumeTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly ReplayServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _folder.Dispose();
    }

    private string Mlruns => Path.Combine(_folder.Path, "mlruns");

    [Fact]
    public void FileStore_ResumedFromItsOwnRun_ContinuesIt_RunningThenFinished_HistoryHoldsBothParts()
    {
        var (first, firstDirectory) = FileRun(null, Rest.Start(), 0);
        var log = new StringWriter();
        var changed = Rest.Start(parameters: new() { ["model/lr"] = "0.02", ["trainer/max_epochs"] = "4" }) with
        {
            ResumedFrom = new ResumedRun(first, new FileStore(Mlruns).Uri, "/ckpt/last.ckpt"),
        };
        using (var tracker = new MlflowTracker(new FileStore(Mlruns), new MlflowTrackerOptions { Experiment = "exp", Log = log }))
        {
            tracker.StartRun(changed);
            Assert.Equal(first, tracker.RunId);
            Assert.Equal(firstDirectory, tracker.RunDirectory);
            Assert.Equal("RUNNING", Assert.Single(FileStoreReader.Runs(Mlruns)).Status);
            Assert.Null(Assert.Single(FileStoreReader.Runs(Mlruns)).EndTimeMs);
            tracker.LogMetrics(Rest.Points("loss", 5, offset: 5));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var run = Assert.Single(FileStoreReader.Runs(Mlruns));
        Assert.Equal("FINISHED", run.Status);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), run.Metrics().Where(m => m.Key == "loss").Select(m => m.Step));
        Assert.Equal("0.01", run.Params["model/lr"]);
        Assert.Equal("4", run.Params["trainer/max_epochs"]);
        Assert.Equal("0.02", run.Tags["lightning.changed_param.model/lr"]);
        // Continued, the run still says that it was resumed, and from which checkpoint.
        Assert.Equal($"{first} (/ckpt/last.ckpt)", run.Tags[ResumedRun.Tag]);
        Assert.Equal("run", run.RunName);
        Assert.Single(log.ToString().Split('\n'), l => l.Contains("model/lr ('0.01' -> '0.02')", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("unknown run")]
    [InlineData("another store")]
    public void ResumedFromARunThisStoreDoesNotHold_StartsANewRun_TaggedWithWhereItResumedFrom(string why)
    {
        var (first, _) = FileRun(null, Rest.Start(), 0);
        var from = why == "unknown run"
            ? new ResumedRun(new string('a', 32), new FileStore(Mlruns).Uri, "/ckpt/last.ckpt")
            : new ResumedRun(first, "http://elsewhere:5000", "/ckpt/last.ckpt");
        var (second, _) = FileRun(from, Rest.Start(), 5);
        Assert.NotEqual(first, second);
        var run = FileStoreReader.Runs(Mlruns).Single(r => r.RunId == second);
        Assert.Equal($"{from.RunId} (/ckpt/last.ckpt)", run.Tags[ResumedRun.Tag]);
        Assert.Equal("FINISHED", run.Status);
        Assert.Equal(5, run.Metrics().Count(m => m.Key == "loss"));
    }

    [Fact]
    public void Rest_ResumedFromItsOwnRun_ContinuesIt_StatusBackToRunningWithoutEndTime_ThenFinished()
    {
        var (tracker, _) = Rest.Tracker(_server, _folder.Path);
        string first;
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.LogMetrics(Rest.Points("loss", 5));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
            first = tracker.RunId!;
        }
        var (resumed, log) = Rest.Tracker(_server, _folder.Path);
        using (resumed)
        {
            resumed.StartRun(Rest.Start() with { ResumedFrom = new ResumedRun(first, _server.Uri.AbsoluteUri, "/ckpt/last.ckpt") });
            Assert.Equal(first, resumed.RunId);
            Assert.Equal("RUNNING", _server.Runs[first].Status);
            resumed.LogMetrics(Rest.Points("loss", 5, offset: 5));
            resumed.EndRun(RunStatus.Finished);
            resumed.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Single(_server.Runs);
        Assert.Equal("FINISHED", _server.Runs[first].Status);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), _server.Points(first, "loss").Select(p => p.Step));
        Assert.Contains(_server.Requests, r => r.PathAndQuery.EndsWith("runs/update", StringComparison.Ordinal)
            && r.Text == $$"""{"run_id":"{{first}}","status":"RUNNING"}""");
        // The same param with the same value is not sent again (MLflow would accept it; a changed one it refuses, with its batch).
        Assert.DoesNotContain("refused", log.ToString());
    }

    [Fact]
    public void CsvTracker_ResumedRun_IsANewVersionTaggedWithWhereItResumedFrom()
    {
        // Beside the MLflow cases, so every tracker's answer to RunStart.ResumedFrom is checked in one place.
        using var tracker = new CsvTracker(_folder.Path);
        tracker.StartRun(Rest.Start() with { ResumedFrom = new ResumedRun("version_0", tracker.TrackingUri, "/ckpt/last.ckpt") });
        Assert.Contains($"{ResumedRun.Tag}: version_0 (/ckpt/last.ckpt)", File.ReadAllText(Path.Combine(tracker.RunDirectory, "tags.yaml")));
    }

    private (string RunId, string Directory) FileRun(ResumedRun? from, RunStart start, int offset)
    {
        using var tracker = new MlflowTracker(new FileStore(Mlruns), new MlflowTrackerOptions { Experiment = "exp" });
        tracker.StartRun(start with { ResumedFrom = from });
        tracker.LogMetrics(Rest.Points("loss", 5, offset));
        tracker.EndRun(RunStatus.Finished);
        tracker.Flush(TimeSpan.FromSeconds(10));
        return (tracker.RunId!, tracker.RunDirectory);
    }
}
