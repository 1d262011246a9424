using Lightning.TestSupport;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Tests.Support;
using Lightning.Mlflow.Writing;

namespace Lightning.Mlflow.Tests.Tracking;

/// <summary>Tracking never loses a point and never kills training, whatever the server does.</summary>
public sealed class FaultTests : IDisposable
{
    private readonly ReplayServer _server = new();
    private readonly TempDirectory _local = new();

    public void Dispose()
    {
        _server.Dispose();
        _local.Dispose();
    }

    [Fact]
    public void ServiceUnavailableThreeTimes_ThenSuccess_EveryPointArrivesOnce()
    {
        var (tracker, _) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.Flush(TimeSpan.FromSeconds(10));
            _server.FailNext("runs/log-batch", 503, times: 3);
            tracker.LogMetrics(Rest.Points("loss", 100));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(Rest.Points("loss", 100).Select(p => (p.Value, p.Step, p.TimestampMs)), _server.Points(tracker.RunId!, "loss"));
        Assert.Equal("FINISHED", _server.Runs[tracker.RunId!].Status);
        Assert.False(tracker.Spool!.HasPending);
    }

    [Fact]
    public void TooManyRequestsWithRetryAfter_WaitsAtLeastThatLong()
    {
        var (tracker, _) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.Flush(TimeSpan.FromSeconds(10));
            _server.FailNext("runs/log-batch", 429, retryAfterSeconds: 2);
            tracker.LogMetrics(Rest.Points("loss", 3));
            tracker.Flush(TimeSpan.FromSeconds(20));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var attempts = _server.Requests
            .Where(r => r.PathAndQuery.EndsWith("runs/log-batch", StringComparison.Ordinal) && r.Text.Contains("\"loss\"", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(2), $"retried after {attempts[1].At - attempts[0].At}");
        Assert.Equal(3, _server.Points(tracker.RunId!, "loss").Count);
    }

    [Fact]
    public void ConnectionDroppedMidRequest_NothingIsLost()
    {
        var (tracker, _) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.Flush(TimeSpan.FromSeconds(10));
            _server.DropNext("runs/log-batch");
            tracker.LogMetrics(Rest.Points("loss", 50));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(50, _server.Points(tracker.RunId!, "loss").Count);
    }

    [Fact]
    public void ServerDownForTheWholeRun_SpoolHoldsEverything_AndReplayDeliversExactlyOnce()
    {
        var points = Rest.Points("loss", 40).Concat([new MetricPoint("val_loss", double.NaN, 40, 5)]).ToList();
        var checkpoint = _local.Combine("last.ckpt");
        File.WriteAllText(checkpoint, "weights");
        _server.Unreachable = true;
        var (tracker, log) = Rest.Tracker(_server, _local.Combine("runs"));
        Spool spool;
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.LogMetrics(points[..20]);
            tracker.LogMetrics(points[20..]);
            tracker.LogArtifact(checkpoint, "checkpoints/last.ckpt");
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(30));
            spool = tracker.Spool!;
        }
        Assert.Empty(_server.Runs);
        Assert.Equal(41, spool.PendingPoints());
        Assert.Contains("spooled in", log.ToString());

        _server.Unreachable = false;
        using var store = new RestStore(_server.Uri, Rest.Fast, _local.Combine("runs"));
        var found = Assert.Single(Spool.FindAll(_local.Combine("runs")));
        Assert.Equal(41, found.Replay(store).Points);
        Assert.Equal((Records: 0, Points: 0), new Spool(found.Folder).Replay(store));

        var run = Assert.Single(_server.Runs.Values);
        var runId = run.Info["run_id"]!.GetValue<string>();
        Assert.Equal(points[..40].Select(p => (p.Value, p.Step, p.TimestampMs)), _server.Points(runId, "loss"));
        Assert.True(double.IsNaN(Assert.Single(_server.Points(runId, "val_loss")).Value));
        Assert.Equal("FINISHED", run.Status);
        Assert.Equal("0.01", run.Params["model/lr"]);
        Assert.Contains(_server.Artifacts.Keys, k => k.EndsWith("/checkpoints/last.ckpt", StringComparison.Ordinal));
    }

    [Fact]
    public void ServerLostMidRun_ComesBackBeforeTheEnd_EverythingArrivesOnce()
    {
        var (tracker, log) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.LogMetrics(Rest.Points("loss", 10));
            tracker.Flush(TimeSpan.FromSeconds(10));
            _server.Unreachable = true;
            tracker.LogMetrics(Rest.Points("loss", 10, offset: 10));
            tracker.Flush(TimeSpan.FromSeconds(10));
            _server.Unreachable = false;
            tracker.LogMetrics(Rest.Points("loss", 10, offset: 20));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(Rest.Points("loss", 30).Select(p => (p.Value, p.Step, p.TimestampMs)), _server.Points(tracker.RunId!, "loss"));
        Assert.Contains("answers again", log.ToString());
        Assert.Equal("FINISHED", _server.Runs[tracker.RunId!].Status);
    }

    [Fact]
    public void AnAnswerThatIsNotMlflows_IsSpooledAndDelivered_NotAnExceptionThatEndsTheProcess()
    {
        // Before: the writer thread parsed the HTML as JSON, and the exception ended the test host (and a training run).
        var (tracker, log) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.Flush(TimeSpan.FromSeconds(10));
            _server.AnswerHtmlNext("runs/log-batch");
            tracker.LogMetrics(Rest.Points("loss", 10));
            tracker.Flush(TimeSpan.FromSeconds(10));
            tracker.LogMetrics(Rest.Points("loss", 10, offset: 10));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Contains("with a body that is not MLflow's JSON (text/html): <h1>Not Found (Not Found)</h1>", log.ToString());
        Assert.Equal(Rest.Points("loss", 20).Select(p => (p.Value, p.Step, p.TimestampMs)), _server.Points(tracker.RunId!, "loss"));
        Assert.Equal("FINISHED", _server.Runs[tracker.RunId!].Status);
        Assert.False(tracker.Spool!.HasPending);
    }

    [Fact]
    public void Logging_ReturnsAtOnceWhileTheServerHangs()
    {
        var (tracker, _) = Rest.Tracker(_server, _local.Path, Rest.Fast with { MaxRetries = 0 });
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            _server.Unreachable = true;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 1000; i++) tracker.LogMetrics(Rest.Points("loss", 1, offset: i));
            // No timing threshold: the calls return before the writer has even tried the server.
            Assert.Contains(_server.Requests, r => r.PathAndQuery.Contains("runs/create", StringComparison.Ordinal));
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
            Assert.Equal(1000, tracker.Spool!.PendingPoints());
        }
    }
}
