using System.Diagnostics;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;
using Lightning.Mlflow.Tests.Tracking;
using Lightning.TestSupport;
using Lightning.Hosting;

namespace Lightning.Mlflow.Tests.Cli;

/// <summary>Issue 9, items 2, 7 and 12: `dotnet lightning runs list|show|push` as a process, the way users run it.</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class RunsCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly ReplayServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _folder.Dispose();
    }

    [Theory]
    [InlineData("list")]
    [InlineData("show")]
    [InlineData("push")]
    public void UnreachableServer_FailsWithinSeconds_WithOneSentence_AndExit1(string command)
    {
        var uri = UnreachableServerTests.ClosedPort().AbsoluteUri.TrimEnd('/');
        if (command == "push") SpoolOfflineRun(uri);
        string[] arguments = command switch
        {
            "list" => ["runs", "list", "--tracking-uri", uri],
            "show" => ["runs", "show", "abc", "--tracking-uri", uri],
            _ => ["runs", "push"],
        };
        var clock = Stopwatch.StartNew();
        var result = Tool(arguments);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains($"the MLflow server {uri} did not answer (Connection refused", result.Output);
        Assert.Contains("; start it", result.Output);
        Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", result.Output);
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("uri")]
    public void Push_ToAFolderOrFileUri_ImportsTheSpooledRunIntoThatFileStore(string form)
    {
        var runId = SpoolOfflineRun(UnreachableServerTests.ClosedPort().AbsoluteUri);
        var store = Path.Combine(_folder.Path, "mlruns");
        var result = Tool(["runs", "push", "--to", form == "folder" ? "mlruns" : new Uri(store).AbsoluteUri]);
        Assert.True(result.ExitCode == ExitCodes.Finished, result.Output);
        // How many writes the batching made of them depends on timing; what they hold does not.
        Assert.Matches(
            $@"{runId}: delivered \d+ writes \(10 metric points, 1 param, 2 artifacts and the final status \(\d+ writes\)\) to file://",
            result.Output);
        var run = Assert.Single(FileStoreReader.Runs(store));
        Assert.Equal("FINISHED", run.Status);
        Assert.Equal(Rest.Points("loss", 10).Select(p => (p.Step, p.Value)),
            run.Metrics().Where(m => m.Key == "loss").Select(m => (m.Step, m.Value)));
        Assert.Equal("0.01", run.Params["model/lr"]);
        Assert.True(File.Exists(Path.Combine(run.Artifacts, "checkpoints", "last.ckpt")));
        Assert.DoesNotContain("SPOOLED", Tool(["runs", "list"]).Output);
    }

    [Fact]
    public void PushFrom_AFileStore_ToAnotherFolder_CopiesItsRuns()
    {
        using (var tracker = new MlflowTracker(new FileStore(Path.Combine(_folder.Path, "source")), new MlflowTrackerOptions { Experiment = "exp" }))
        {
            tracker.StartRun(Rest.Start());
            tracker.LogMetrics(Rest.Points("loss", 3));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var result = Tool(["runs", "push", "--from", "source", "--to", "copy"]);
        Assert.True(result.ExitCode == ExitCodes.Finished, result.Output);
        var copied = Assert.Single(FileStoreReader.Runs(Path.Combine(_folder.Path, "copy")));
        Assert.Equal(3, copied.Metrics().Count(m => m.Key == "loss"));
    }

    [Fact]
    public void List_ShowsSpooledRunsAsSuch_WithTheCommandThatDeliversThem()
    {
        var server = UnreachableServerTests.ClosedPort().AbsoluteUri.TrimEnd('/');
        var runId = SpoolOfflineRun(server);
        var result = Tool(["runs", "list"]);
        Assert.True(result.ExitCode == ExitCodes.Finished, result.Output);
        Assert.Contains($"Not yet delivered (spooled under {Path.Combine(_folder.Path, ".lightning", "runs")}):", result.Output);
        var row = Assert.Single(result.Output.Split('\n'), l => l.StartsWith(runId, StringComparison.Ordinal));
        Assert.Contains("  SPOOLED  ", row);
        Assert.Matches($@"  10 metric points, 1 param, 2 artifacts and the final status \(\d+ writes\) for {server}$", row.TrimEnd());
        Assert.Contains("Deliver them with: dotnet lightning runs push", result.Output);
    }

    [Fact]
    public void ClosingLinesCommand_DeliversTheOfflineRunToItsServer_OnceItAnswers()
    {
        _server.Unreachable = true;
        var (tracker, log) = Rest.Tracker(_server, MlflowTracking.LocalRunsRoot(_folder.Path));
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.LogMetrics(Rest.Points("loss", 4));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(30));
        }
        _server.Unreachable = false;
        var command = log.ToString().Split('\n').Single(l => l.StartsWith("MLflow: run ", StringComparison.Ordinal))
            .Split("Deliver them with: dotnet lightning ")[1].Trim();
        var result = Tool(command.Split(' '));
        Assert.True(result.ExitCode == ExitCodes.Finished, result.Output);
        var run = Assert.Single(_server.Runs.Values);
        Assert.Equal("FINISHED", run.Status);
        Assert.Equal(4, _server.Points(run.Info["run_id"]!.GetValue<string>(), "loss").Count);
    }

    [Fact]
    public void ListAndDoctor_InAnEmptyFolder_CreateNothing()
    {
        Assert.Equal(ExitCodes.Finished, Tool(["runs", "list"]).ExitCode);
        Tool(["doctor"]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
    }

    // A run that could not reach `server`, spooled where `runs push` in this folder looks: 10 points, a param, a checkpoint.
    private string SpoolOfflineRun(string server)
    {
        var checkpoint = Path.Combine(_folder.Path, "last.ckpt");
        File.WriteAllText(checkpoint, "weights");
        var (tracker, _) = Rest.Tracker(new Uri(server), MlflowTracking.LocalRunsRoot(_folder.Path), new RestOptions());
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.LogMetrics(Rest.Points("loss", 10));
            tracker.LogArtifact(checkpoint, "checkpoints/last.ckpt");
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(30));
        }
        return tracker.RunId!;
    }

    private ChildProcess.Result Tool(IEnumerable<string> arguments) =>
        ChildProcess.Run(_folder.Path, "dotnet", ["exec", Repository.Built("src/Lightning.Cli", "Lightning.Cli.dll"), .. arguments],
            timeout: TimeSpan.FromMinutes(1));
}
