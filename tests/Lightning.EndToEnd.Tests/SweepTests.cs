using System.Diagnostics;
using System.Text.Json.Nodes;
using Lightning.Mlflow.Stores;
using Lightning.TestSupport;

namespace Lightning.EndToEnd.Tests;

/// <summary>dotnet lightning sweep on the scaffolded template project: real trial processes, a real mlruns/ store.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class SweepTests(Workspace workspace)
{
    [Fact]
    public void LocalSweep_RecordsAParentAndItsTrials_AndRegistersTheBestTrialsModel()
    {
        var project = workspace.Scaffold("Tuned");
        Workspace.Must(Workspace.Run(project, "dotnet", ["tool", "restore", "--add-source", workspace.Feed]));
        var sweep = Workspace.Run(project, "dotnet", ["lightning", "sweep", "--trials", "4", "--parallel", "2", "--register", "tuned-best"],
            timeout: TimeSpan.FromMinutes(8));
        Assert.True(sweep.ExitCode == 0, sweep.Output);
        Assert.Contains("As a lightning.yaml fragment:", sweep.Output);
        Assert.Contains("Train it: dotnet lightning fit --model.lr=", sweep.Output);

        var runs = FileStoreReader.Runs(Path.Combine(project, "mlruns"));
        var parent = Assert.Single(runs, r => r.RunName.StartsWith("sweep-", StringComparison.Ordinal));
        Assert.Equal("FINISHED", parent.Status);
        Assert.Equal("tpe", parent.Params["sweep/method"]);
        Assert.True(File.Exists(Path.Combine(parent.Artifacts, "sweep.yaml")));
        Assert.Contains(parent.LatestMetrics(), m => m.Key == "best_val_loss");
        var children = runs.Where(r => r.Tags.GetValueOrDefault("mlflow.parentRunId") == parent.RunId).ToList();
        Assert.Equal(4, children.Count);
        Assert.All(children, child =>
        {
            Assert.True(child.Status == "FINISHED" || child.Tags.GetValueOrDefault("sweep.state") == "pruned", $"{child.RunName}: {child.Status}");
            Assert.True(child.Params.ContainsKey("model/lr"));
            Assert.Equal(parent.Tags["sweep.id"], child.Tags["sweep.id"]);
        });
        Assert.Equal(4, children.Select(c => c.Params["model/lr"] + c.Params["model/hidden_size"] + c.Params["data/batch_size"]).Distinct().Count());

        // --register: version 1 of the model comes from the best finished trial's run, named in the closing line.
        var best = children.Where(c => c.Status == "FINISHED" && !c.Tags.ContainsKey("sweep.state") && c.LatestMetrics().ContainsKey("val_loss"))
            .MinBy(c => c.LatestMetrics()["val_loss"])!;
        Assert.Contains($"Registered the best trial's model (run {best.RunId}) as version 1 of 'tuned-best' (models:/tuned-best/1).",
            sweep.Output);
        var version = File.ReadAllText(Path.Combine(project, "mlruns", "models", "tuned-best", "version-1", "meta.yaml"));
        Assert.Contains($"run_id: {best.RunId}", version);
    }

    [Fact]
    public void SlurmSweep_RecordsAParentAndItsTrials()
    {
        using var cluster = new SlurmCluster();
        var project = workspace.Scaffold("Queued");
        Workspace.Must(Workspace.Run(project, "dotnet", ["tool", "restore", "--add-source", workspace.Feed]));
        var sweep = Workspace.Run(project, "dotnet", ["lightning", "sweep", "--trials", "4", "--parallel", "2", "--executor", "slurm"],
            cluster.Environment, timeout: TimeSpan.FromMinutes(8));
        Assert.True(sweep.ExitCode == 0, sweep.Output);
        Assert.Contains("Train it: dotnet lightning fit --model.lr=", sweep.Output);

        var runs = FileStoreReader.Runs(Path.Combine(project, "mlruns"));
        var parent = Assert.Single(runs, r => r.RunName.StartsWith("sweep-", StringComparison.Ordinal));
        Assert.Equal("FINISHED", parent.Status);
        var children = runs.Where(r => r.Tags.GetValueOrDefault("mlflow.parentRunId") == parent.RunId).ToList();
        Assert.True(children.Count == 4, sweep.Output);
        Assert.All(children, child =>
        {
            Assert.True(child.Status == "FINISHED" || child.Tags.GetValueOrDefault("sweep.state") == "pruned", $"{child.RunName}: {child.Status}");
            Assert.True(child.Params.ContainsKey("model/lr"));
        });
        // Each trial ran as a Slurm array task: its output went where sbatch's -o pattern put it.
        var logs = Directory.GetFiles(Path.Combine(project, ".lightning", "sweeps"), "output.log", SearchOption.AllDirectories);
        Assert.Equal(4, logs.Length);
        Assert.All(Directory.GetFiles(Path.Combine(project, ".lightning", "sweeps"), "*.sbatch", SearchOption.AllDirectories),
            script => Assert.Contains("exec dotnet exec", File.ReadAllText(script)));
    }

    [Fact]
    public void KilledController_ResumeFinishesThePlannedTrials()
    {
        var project = workspace.Scaffold("Resumed");
        Workspace.Must(Workspace.Run(project, "dotnet", ["tool", "restore", "--add-source", workspace.Feed]));
        Workspace.Must(Workspace.Run(project, "dotnet", ["build"]));
        string? id = null;
        var controller = Workspace.Run(project, "dotnet", ["lightning", "sweep", "--trials", "4"], onLine: (line, process) =>
        {
            // Kill the controller and its trial as a crash would, once one trial has finished and the next runs.
            if (line.StartsWith("Sweep ", StringComparison.Ordinal)) id = line.Split(' ')[1].TrimEnd(':');
            if (line.StartsWith("trial 1 started", StringComparison.Ordinal)) process.Kill();
        }, timeout: TimeSpan.FromMinutes(8));
        Assert.NotEqual(0, controller.ExitCode);
        Assert.NotNull(id);
        var state = Path.Combine(project, ".lightning", "sweeps", id!, "state.json");
        Assert.Contains("\"Running\"", File.ReadAllText(state));

        var resumed = Workspace.Run(project, "dotnet", ["lightning", "sweep", "--resume", id!], timeout: TimeSpan.FromMinutes(8));
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.DoesNotContain("trial 0 started", resumed.Output);
        var trials = JsonNode.Parse(File.ReadAllText(state))!["trials"]!.AsArray();
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Contains(t!["state"]!.GetValue<string>(), new[] { "Finished", "Pruned" }));
        Assert.Equal(2, trials.Single(t => t!["number"]!.GetValue<int>() == 1)!["attempts"]!.GetValue<int>());
    }
}
