using Lightning.Hosting;
using Lightning.Mlflow.Stores;
using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Running;
using Lightning.TestSupport;

namespace Lightning.Sweeps.Tests;

/// <summary>
/// A real sweep of the test app whose trials train on 2 devices (<c>trainer.devices: 2</c> in the project's
/// lightning.yaml): each trial is one job of two ranks under mpirun, seen by the controller as one trial.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class DataParallelSweepTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void TwoDeviceTrials_RunOneAtATimeOnTwoSlots_OneChildRunEach_RankZeroEvents_AndPruningStopsBothRanksAtTheRung()
    {
        MpiRuntime.EnsureInstalled();
        File.WriteAllText(_folder.Combine("lightning.yaml"), """
            trainer:
              devices: 2
              max_epochs: 2
              seed: 5
              threads: 1
              enable_progress_bar: false
            """);
        // Grid order: trial 0 learns and runs alone; trial 1 hardly moves (lr 1e-6) and is worse than it at the first rung.
        File.WriteAllText(_folder.Combine("sweep.yaml"), """
            method: grid
            metric: {name: val_loss, goal: minimize}
            parameters:
              model.lr: {values: [0.05, 0.000001]}
            early_terminate: {type: asha, min_iter: 1, eta: 2}
            """);
        var config = SweepConfigReader.Read(_folder.Combine("sweep.yaml"));
        using var store = new FileStore(_folder.Combine("mlruns"));
        var output = new StringWriter();
        var result = new SweepRunner(new SweepOptions
        {
            ProjectFolder = _folder.Path, Config = config, ConfigPath = _folder.Combine("sweep.yaml"), Store = store, Output = output,
            PrintConfig = AppPrintConfig.Of(TestApp.Dll, _folder.Path), Parallel = 2,
            Executor = new WithEnvironment(new LocalExecutor(TestApp.Dll, _folder.Path)),
        }).Run(CancellationToken.None);

        var said = output.ToString();
        Assert.True(result is { Finished: 1, Pruned: 1, Failed: 0, BestTrial: 0 }, said);
        // Two ranks take both slots of --parallel 2: trial 1 started only once trial 0 had ended.
        var lines = said.Split('\n').ToList();
        Assert.True(lines.FindIndex(l => l.StartsWith("trial 1 started", StringComparison.Ordinal))
                    > lines.FindIndex(l => l.StartsWith("trial 0 finished", StringComparison.Ordinal)), said);

        var runs = FileStoreReader.Runs(_folder.Combine("mlruns"));
        var parent = Assert.Single(runs, r => r.RunName.StartsWith("sweep-", StringComparison.Ordinal));
        var children = runs.Where(r => r.Tags.GetValueOrDefault("mlflow.parentRunId") == parent.RunId).OrderBy(r => r.Tags["sweep.trial"]).ToList();
        Assert.Equal(["0", "1"], children.Select(c => c.Tags["sweep.trial"]));
        Assert.All(children, c => Assert.Equal("2", c.Params["world_size"]));
        Assert.Equal("pruned", children[1].Tags.GetValueOrDefault("sweep.state"));

        var trials = Path.Combine(_folder.Path, ".lightning", "sweeps", result.Id);
        foreach (var trial in new[] { 0, 1 })
        {
            // Rank 0 alone writes the events: one run, each epoch once.
            var events = EventsReader.ReadAll(Path.Combine(trials, $"trial-{trial}", "events-1.jsonl"));
            Assert.Single(events.OfType<RunStarted>());
            var epochs = events.OfType<EpochEnded>().Select(e => e.Epoch).ToList();
            Assert.Equal(epochs.Distinct(), epochs);
        }
        // Pruned at the first rung: rank 0 got the stop, and both ranks stopped at its last step together, saved the
        // checkpoint of that step and exited 3. Had mpirun passed a SIGTERM to the ranks, it would have killed them a
        // second later: exit 130, and a run left RUNNING or KILLED without its tag.
        var pruned = EventsReader.ReadAll(Path.Combine(trials, "trial-1", "events-1.jsonl"));
        Assert.Equal([0], pruned.OfType<EpochEnded>().Select(e => e.Epoch));
        Assert.Equal(RunFinishedStatus.Pruned, pruned.OfType<RunFinished>().Single().Status);
        var log = File.ReadAllText(Path.Combine(trials, "trial-1", "output.log"));
        Assert.DoesNotContain("mpirun's SIGKILL", log, StringComparison.Ordinal);
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(trials, "state.json")))!;
        Assert.True(state["trials"]![1]!["exit_code"]!.GetValue<int>() == ExitCodes.Stopped, log);
        Assert.Equal("KILLED", children[1].Status);
        var last = Core.Checkpoints.CheckpointFile.Read(Path.Combine(children[1].Artifacts, "checkpoints", "last.ckpt"));
        Assert.Equal(pruned.OfType<EpochEnded>().Single().Step, last.State["progress"]!["global_step"]!.GetValue<long>());
    }

    /// <summary>The local executor with the test app's MLflow tracker and one thread a rank.</summary>
    private sealed class WithEnvironment(ITrialExecutor inner) : ITrialExecutor
    {
        public ITrialProcess Start(TrialLaunch launch)
        {
            var environment = new Dictionary<string, string>(launch.Environment ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                ["OMP_NUM_THREADS"] = "1",
            };
            foreach (var (key, value) in TestApp.Mlflow) environment[key] = value;
            return inner.Start(launch with { Environment = environment });
        }

        public void Abandon(string handle) => inner.Abandon(handle);
    }
}
