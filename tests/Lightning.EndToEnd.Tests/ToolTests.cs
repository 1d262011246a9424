using Lightning.TestSupport;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Hosting;

namespace Lightning.EndToEnd.Tests;

/// <summary>dotnet lightning through the scaffolded project's local tool manifest.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ToolTests(Workspace workspace)
{
    [Fact]
    public void Fit_Doctor_RunsList_ThroughTheLocalManifest()
    {
        var project = workspace.Scaffold("Tooled");
        Workspace.Must(Workspace.Run(project, "dotnet", ["tool", "restore", "--add-source", workspace.Feed]));
        var fit = Workspace.Must(Workspace.Run(project, "dotnet", ["lightning", "fit", "--trainer.max_epochs=1"]));
        Assert.Contains("Epoch 1/1", fit.Output);
        var doctor = Workspace.Run(project, "dotnet", ["lightning", "doctor"]);
        Assert.True(doctor.ExitCode == ExitCodes.Finished, doctor.Output);
        Assert.Contains("ok   native:", doctor.Output);
        Assert.Contains("ok   tracking:", doctor.Output);
        var run = Assert.Single(FileStoreReader.Runs(Path.Combine(project, "mlruns")));
        var list = Workspace.Must(Workspace.Run(project, "dotnet", ["lightning", "runs", "list"]));
        Assert.Contains(run.RunId, list.Output);
        Assert.Contains("FINISHED", list.Output);
        var show = Workspace.Must(Workspace.Run(project, "dotnet", ["lightning", "runs", "show", run.RunId[..8]]));
        Assert.Contains("model/lr = 0.01", show.Output);
        Assert.Contains("checkpoints/last.ckpt", show.Output);
    }

    [Fact]
    public void Fit_InATerminal_DrawsTheLiveBar_AndRedirected_StreamsPlainLinesInsideTheEpoch()
    {
        var project = workspace.Scaffold("Watched");
        Workspace.Must(Workspace.Run(project, "dotnet", ["tool", "restore", "--add-source", workspace.Feed]));
        const string Longer = "--data.generated_rows=100000";

        // script(1) gives the tool a terminal; the app inherits it and redraws one line in place: the bar and the
        // erase-to-end-of-line code are drawn only when the app's output is a terminal.
        var terminal = Workspace.Must(
            Workspace.Run(project, "script", ["-qec", $"dotnet lightning fit --trainer.max_epochs=1 {Longer}", "/dev/null"]));
        Assert.Matches(@"Epoch 1/1 \d+/\d+ \[[= ]{20}\] \d+\.\d it/s ETA \d+:\d\d.*\x1b\[K", terminal.Output);

        // Redirected, the app prints plain lines during the epoch, and they arrive while it runs.
        var seenWhileRunning = false;
        var redirected = Workspace.Must(Workspace.Run(project, "dotnet", ["lightning", "fit", "--trainer.max_epochs=1", Longer],
            new Dictionary<string, string> { ["LIGHTNING_PROGRESS_INTERVAL_S"] = "0.05" },
            onLine: (line, process) => seenWhileRunning |= line.Contains(" it/s ETA ", StringComparison.Ordinal) && !process.HasExited));
        Assert.DoesNotContain("\r", redirected.Output);
        Assert.Matches(@"(?m)^Epoch 1/1 \d+/\d+ \d+\.\d it/s ETA \d+:\d\d .*train_loss", redirected.Output);
        Assert.Contains("Epoch 1/1 step ", redirected.Output);
        Assert.True(seenWhileRunning, redirected.Output);
    }

    [Fact]
    public void Interrupt_SentToTheToolAlone_ReachesTheAppWhichSavesAndEndsItsRunKilled()
    {
        var project = workspace.Scaffold("Signalled");
        var sent = false;
        // A supervisor's kill -INT reaches the tool's process only, not the app it started (no terminal process group).
        // Were it lost, the 30 epochs would run to their end and the run would finish.
        var fit = Workspace.Run(project, "dotnet",
            [ToolDll(), "fit", "--trainer.max_epochs=30", "--callbacks.early_stopping.enabled=false", "--data.generated_rows=20000"],
            onLine: (line, tool) =>
            {
                if (sent || !line.Contains("Epoch 2/30", StringComparison.Ordinal)) return;
                sent = true;
                tool.Signal(Signals.Interrupt);
            });
        Assert.True(sent, fit.Output);
        Assert.True(fit.ExitCode == ExitCodes.Interrupted, fit.Output);
        Assert.Contains("Interrupted during epoch", fit.Output);
        var run = Assert.Single(FileStoreReader.Runs(Path.Combine(project, "mlruns")));
        Assert.Equal("KILLED", run.Status);
    }

    [Fact]
    public void Doctor_OnAProjectThatDoesNotBuild_GivesOneVerdictPerCheck()
    {
        var project = workspace.Scaffold("Broken");
        File.AppendAllText(Path.Combine(project, "Program.cs"), "\nthis is not C#\n");
        var doctor = Workspace.Run(project, "dotnet", [ToolDll(), "doctor"]);
        Assert.Equal(ExitCodes.Failed, doctor.ExitCode);
        Assert.Contains("ok   project:", doctor.Output);
        Assert.Contains("FAIL build: Building", doctor.Output);
        Assert.DoesNotContain("FAIL project", doctor.Output);
    }

    [Fact]
    public void Fit_WithoutAProject_ListsWhatItFound()
    {
        var tool = ToolDll();
        var empty = Path.Combine(workspace.Root, "empty");
        Directory.CreateDirectory(empty);
        var none = Workspace.Run(empty, "dotnet", [tool, "fit"]);
        Assert.Equal(ExitCodes.Usage, none.ExitCode);
        Assert.Contains("No project (*.csproj) was found", none.Output);

        var two = Path.Combine(workspace.Root, "two");
        Directory.CreateDirectory(two);
        File.WriteAllText(Path.Combine(two, "A.csproj"), "<Project />");
        File.WriteAllText(Path.Combine(two, "B.csproj"), "<Project />");
        var several = Workspace.Run(two, "dotnet", [tool, "fit"]);
        Assert.Equal(ExitCodes.Usage, several.ExitCode);
        Assert.Contains("A.csproj, B.csproj", several.Output);
    }

    [Fact]
    public void RunsListAndShow_ReadATrackingServer()
    {
        using var server = new ReplayServer();
        string runId;
        using (var store = new RestStore(server.Uri, new RestOptions(), Path.Combine(workspace.Root, "rest-local")))
        {
            var run = store.CreateRun(new RunRequest("Digits", "served-run", "alice", 1_700_000_000_000, new Dictionary<string, string>()));
            store.LogBatch(run.RunId, [new MetricPoint("val_loss", 0.25, 3, 1_700_000_000_001)], [KeyValuePair.Create("model/lr", "0.01")], []);
            var file = Path.Combine(workspace.Root, "served.ckpt");
            File.WriteAllText(file, "weights");
            store.UploadArtifact(run, file, "checkpoints/served.ckpt");
            store.UpdateRun(run.RunId, RunStatus.Finished, 1_700_000_000_002);
            runId = run.RunId;
        }
        var uri = server.Uri.AbsoluteUri;
        var list = Workspace.Must(Workspace.Run(workspace.Root, "dotnet", [ToolDll(), "runs", "list", "--tracking-uri", uri]));
        Assert.Contains(runId, list.Output);
        Assert.Contains("Digits", list.Output);
        Assert.Contains("served-run", list.Output);
        Assert.Contains("FINISHED", list.Output);
        Assert.Contains("val_loss=0.25", list.Output);

        // The server comes from MLFLOW_TRACKING_URI when no option names one.
        var show = Workspace.Must(Workspace.Run(workspace.Root, "dotnet", [ToolDll(), "runs", "show", runId[..10]],
            new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = uri }));
        Assert.Contains($"run {runId} (served-run) in experiment Digits: FINISHED", show.Output);
        Assert.Contains("model/lr = 0.01", show.Output);
        Assert.Contains("checkpoints/served.ckpt = 7 bytes", show.Output);
        Assert.Empty(server.ServerErrors);

        server.Unreachable = true;
        var down = Workspace.Run(workspace.Root, "dotnet", [ToolDll(), "runs", "list", "--tracking-uri", uri],
            new Dictionary<string, string> { ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0" });
        Assert.Equal(ExitCodes.Failed, down.ExitCode);
        Assert.Contains($"Could not read the runs of {uri.TrimEnd('/')}", down.Output);
    }

    [Fact]
    public void UnknownOption_SuggestsTheNearest()
    {
        var result = Workspace.Run(workspace.Root, "dotnet", [ToolDll(), "fit", "--projct", "x"]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Did you mean '--project'?", result.Output);
    }

    [Fact]
    public void Ui_WithoutMlflow_SaysHowToStartIt()
    {
        var folder = Path.Combine(workspace.Root, "ui");
        Directory.CreateDirectory(folder);
        var result = Workspace.Run(folder, "dotnet", [ToolDll(), "ui"],
            new Dictionary<string, string> { ["PATH"] = Path.GetDirectoryName(Environment.ProcessPath)! });
        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("MLflow is not installed here", result.Output);
        Assert.Contains($"MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri file://{folder}/mlruns", result.Output);
    }

    [Fact]
    public void Help_IsOnEveryCommand()
    {
        foreach (var command in new[] { "fit", "validate", "test", "predict", "runs", "ui", "doctor", "sweep" })
        {
            var help = Workspace.Must(Workspace.Run(workspace.Root, "dotnet", [ToolDll(), command, "--help"]));
            Assert.Contains("Usage:", help.Output);
        }
    }

    private static string ToolDll() => Repository.Built(Path.Combine("src", "Lightning.Cli"), "Lightning.Cli.dll");
}
