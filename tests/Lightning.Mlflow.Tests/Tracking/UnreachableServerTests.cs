using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Lightning.Mlflow.Tests.Tracking;

/// <summary>
/// Issue 9, item 2: a server that does not answer costs seconds, not minutes, and the closing line says what is spooled
/// and how to deliver it. Production retry settings throughout (backoff 2, 4, 8, 16, 32 s): the bounds are the issue's
/// generous ones.
/// </summary>
public sealed class UnreachableServerTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    // Only how long a test waits before it calls a hang a failure; what it checks does not depend on it.
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _local = new();
    private readonly ReplayServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _local.Dispose();
    }

    /// <summary>A loopback port with nothing listening: connections are refused at once.</summary>
    public static Uri ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task NothingListening_RunGoesOfflineAtOnce_WithAnIdTheCliUnderstands_AndSaysWhatIsSpooled()
    {
        // The REST client's clock never moves: a retry's backoff (2, 4, 8 ... s) would wait forever, so a run that gets
        // through at all went offline at once, without waiting, whatever the machine's load.
        var frozen = new FakeTimeProvider();
        var (tracker, log) = Rest.Tracker(ClosedPort(), _local.Path, new RestOptions(), storeTime: frozen);
        string folder;
        using (tracker)
        {
            // A start that waits on the frozen clock ends the test with a TimeoutException.
            await Task.Run(() => tracker.StartRun(Rest.Start())).WaitAsync(Liveness);
            tracker.LogMetrics(Rest.Points("loss", 10));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(Liveness);
            folder = tracker.RunDirectory;
        }
        Assert.StartsWith("offline-", tracker.RunId, StringComparison.Ordinal);
        Assert.Equal(tracker.RunId, Path.GetFileName(folder));
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines,
            l => l.Contains("is unreachable", StringComparison.Ordinal) && l.Contains($"offline as run {tracker.RunId}", StringComparison.Ordinal));
        var closing = lines[^1];
        // How many writes the batching made of them depends on timing; what they hold does not.
        Assert.Matches(
            $@"^MLflow: run {tracker.RunId} \(FINISHED\): {Regex.Escape(tracker.TrackingUri)} never answered, nothing was sent; " +
            $@"spooled in {Regex.Escape(folder)}: 10 metric points, 1 param, 1 artifact and the final status \(\d+ writes\)\. " +
            $@"Deliver them with: dotnet lightning runs push {Regex.Escape(folder)}$",
            closing.TrimEnd());
    }

    [Fact]
    public void ServerFailsAtTheEnd_FinalDeliveryIsBounded_AndTheRestStaysSpooled()
    {
        var (tracker, log) = Rest.Tracker(_server, _local.Path, new RestOptions());
        var clock = new Stopwatch();
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.Flush(TimeSpan.FromSeconds(10));
            // Reachable but failing: the retry policy would wait 2+4+8+16+32 s; the end allows 5.
            _server.FailNext("runs/log-batch", 503, times: 100);
            clock.Start();
            tracker.LogMetrics(Rest.Points("loss", 10));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(60));
        }
        Assert.True(clock.Elapsed < Generous, $"the end took {clock.Elapsed}");
        Assert.Equal(10, tracker.Spool!.PendingPoints());
        Assert.Equal("RUNNING", _server.Runs[tracker.RunId!].Status);
        Assert.Matches(
            $@"^MLflow: run {tracker.RunId} \(FINISHED\): sent to {Regex.Escape(tracker.TrackingUri)}: 0 metric points, 1 param, 0 artifacts; " +
            $@"spooled in {Regex.Escape(tracker.RunDirectory)}: 10 metric points, 0 params, 1 artifact and the final status \(\d+ writes\)\. " +
            $@"Deliver them with: dotnet lightning runs push ",
            Closing(log));
    }

    [Fact]
    public void ReachableServer_AllSent_ClosingLineSaysSoAndNamesTheRun()
    {
        var (tracker, log) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.LogMetrics(Rest.Points("loss", 5));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(
            $"MLflow: run {tracker.RunId} (FINISHED) recorded in {tracker.TrackingUri}: 5 metric points, 1 param, 1 artifact sent; nothing spooled.",
            Closing(log));
    }

    private static string Closing(StringWriter log) =>
        log.ToString().Split('\n').Last(l => l.StartsWith("MLflow: run ", StringComparison.Ordinal)).TrimEnd();
}
