using Lightning.TestSupport;
using Lightning.Core.Checkpoints;
using Lightning.Mlflow.Stores;

namespace Lightning.EndToEnd.Tests;

/// <summary>dotnet new lightning, then dotnet build -t:Train, as a user does it.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class TrainTargetTests(Workspace workspace)
{
    [Fact]
    public void Train_StreamsEpochLinesAndRecordsAFinishedRun()
    {
        var project = workspace.Scaffold("Digits");
        Workspace.Must(Workspace.Run(project, "dotnet", ["restore"]));
        string? statusWhileStreaming = null;
        var result = Workspace.Run(project, "dotnet",
            ["build", "-t:Train", "-p:MaxEpochs=3", "-p:LightningArgs=--data.generated_rows=30000 --model.dropout=0.2"], onLine: (line, _) =>
        {
            // Streamed means the first epoch's line arrives while the run is still going (meta.yaml status 1 = RUNNING).
            if (statusWhileStreaming is null && line.Contains("Epoch 1/3", StringComparison.Ordinal))
                statusWhileStreaming = FileStoreReader.Runs(Path.Combine(project, "mlruns")).SingleOrDefault()?.Status;
        });
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal("RUNNING", statusWhileStreaming);
        Assert.Contains("Epoch 3/3", result.Output);

        var run = Assert.Single(FileStoreReader.Runs(Path.Combine(project, "mlruns")));
        Assert.Equal("FINISHED", run.Status);
        Assert.Equal("Digits", run.ExperimentName);
        Assert.Equal("0.01", run.Params["model/lr"]);
        Assert.Equal("3", run.Params["trainer/max_epochs"]);
        // LightningArgs carries several overrides, each reaching the app as its own argument.
        Assert.Equal("0.2", run.Params["model/dropout"]);
        Assert.Equal("30000", run.Params["data/generated_rows"]);
        // What the MLflow run page shows: tags to filter on, a description, and the data sets (file-store inputs, 97).
        Assert.Equal("fit", run.Tags["lightning.stage"]);
        Assert.Equal("DigitsModule", run.Tags["lightning.module"]);
        Assert.Equal("Trained DigitsModule on train.csv:train (18000 rows); validated on train.csv:validation (6000 rows).",
            run.Tags["mlflow.note.content"]);
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(run.Folder, "inputs")).Length);
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(Path.GetDirectoryName(run.Folder)!, "datasets")).Length);
        var metrics = run.Metrics().ToList();
        var steps = metrics.Where(m => m.Key == "train_loss").Select(m => m.Step).ToList();
        Assert.Equal(steps.Order(), steps);
        Assert.True(steps.Count >= 3 * 10, $"train_loss was logged {steps.Count} times");
        Assert.Equal(3, metrics.Count(m => m.Key == "val_loss"));
        Assert.Equal(3, metrics.Count(m => m.Key == "val_acc"));
        var checkpoints = Directory.GetFiles(Path.Combine(run.Artifacts, "checkpoints"), "*.ckpt");
        Assert.Contains(checkpoints, c => Path.GetFileName(c) == "last.ckpt");
        Assert.Contains(checkpoints, c => Path.GetFileName(c).StartsWith("epoch=", StringComparison.Ordinal));
        // 30000 rows, 20 % validation and 20 % test: 18000 training rows, 563 batches of 32 per epoch.
        Assert.Equal(3 * 563,
            CheckpointFile.Read(Path.Combine(run.Artifacts, "checkpoints", "last.ckpt")).State["progress"]!["global_step"]!.GetValue<long>());
    }

    [Fact]
    public void Regression_LogsValMae()
    {
        var project = workspace.Scaffold("Prices", "--task", "regression");
        Workspace.Must(Workspace.Run(project, "dotnet", ["build", "-t:Train", "-p:MaxEpochs=1"]));
        var run = Assert.Single(FileStoreReader.Runs(Path.Combine(project, "mlruns")));
        Assert.Contains(run.Metrics(), m => m.Key == "val_mae");
        Assert.DoesNotContain(run.Metrics(), m => m.Key == "val_acc");

        // Testing without a checkpoint on a trained project is an MSBuild warning, counted in the build's summary.
        var untrained = Workspace.Must(Workspace.Run(project, "dotnet", ["build", "-t:Test"]));
        Assert.Contains("warning LTN003: test runs on the model's initial, untrained weights", untrained.Output);
        Assert.Contains("1 Warning(s)", untrained.Output);
        Assert.Contains("0 Warning(s)", Workspace.Must(Workspace.Run(project, "dotnet", ["build", "-t:Test", "-p:CkptPath=best"])).Output);
    }

    [Theory]
    [InlineData("my-model")]
    [InlineData("3d")]
    public void NamesThatAreNotIdentifiers_StillBuild(string name)
    {
        var project = workspace.Scaffold(name);
        Workspace.Must(Workspace.Run(project, "dotnet", ["build"]));
    }

    [Fact]
    public void BadMaxEpochs_FailsTheBuildNamingTheKey()
    {
        var project = workspace.Scaffold("Bad");
        var negative = Workspace.Run(project, "dotnet", ["build", "-t:Train", "-p:MaxEpochs=-1"]);
        Assert.NotEqual(0, negative.ExitCode);
        Assert.Contains("MaxEpochs is '-1'", negative.Output);
        Assert.Contains("trainer.max_epochs", negative.Output);
        var text = Workspace.Run(project, "dotnet", ["build", "-t:Train", "-p:LightningArgs=--trainer.maxEpochs=abc"]);
        Assert.NotEqual(0, text.ExitCode);
        Assert.Contains("LTN002: Lightning fit was refused", text.Output);
        Assert.Contains("'trainer.max_epochs'", text.Output);
        // A missing checkpoint is refused the same way (exit 2), and is not called a configuration error.
        var checkpoint = Workspace.Run(project, "dotnet", ["build", "-t:Train", "-p:CkptPath=nonexistent.ckpt"]);
        Assert.NotEqual(0, checkpoint.ExitCode);
        Assert.Contains("LTN002: Lightning fit was refused", checkpoint.Output);
        Assert.Contains("nonexistent.ckpt' does not exist", checkpoint.Output);
        Assert.DoesNotContain("configuration error", checkpoint.Output);
        Assert.False(Directory.Exists(Path.Combine(project, "mlruns")), "nothing may start on a configuration error");
    }

    [Fact]
    public void Cancel_SigintToTheBuild_LeavesALoadableCheckpointAndAKilledRun()
    {
        var project = workspace.Scaffold("Stopper");
        Workspace.Must(Workspace.Run(project, "dotnet", ["build"]));
        var sent = false;
        var result = Workspace.Run(project, "dotnet",
            ["build", "-t:Train", "-p:MaxEpochs=1000", "-p:LightningArgs=--data.generated_rows=20000"], onLine: (line, build) =>
        {
            // An IDE-style cancel: only the build process gets SIGINT; the task must forward it to the app.
            if (sent || !line.Contains("Epoch 2/1000", StringComparison.Ordinal)) return;
            sent = true;
            build.Signal(Signals.Interrupt);
        });
        Assert.True(sent, result.Output);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("cancelled", result.Output);
        var run = Assert.Single(FileStoreReader.Runs(Path.Combine(project, "mlruns")));
        Assert.Equal("KILLED", run.Status);
        Assert.NotNull(run.EndTimeMs);
        var state = CheckpointFile.Read(Path.Combine(run.Artifacts, "checkpoints", "last.ckpt")).State;
        Assert.True(state["progress"]!["global_step"]!.GetValue<long>() > 0);
        // The template's example callback keeps its best epoch there, so a resumed fit's summary counts the epochs before it.
        Assert.InRange(state["callbacks"]!["EpochSummaryCallback"]!["best_epoch"]!.GetValue<int>(), 0, state["progress"]!["epoch"]!.GetValue<int>());
    }
}
