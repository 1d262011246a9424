using Lightning.Hosting;
using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Running;
using Lightning.TestSupport;

namespace Lightning.Sweeps.Tests;

/// <summary>
/// Trials on a real one-machine Slurm cluster that scripts/slurm-single-node.sh installs from Debian's packages and
/// starts. If the cluster cannot start, the test fails with the script's reason.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class SlurmTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Sweep_RunsItsTrialsAsOneSlurmJobArray()
    {
        using var cluster = new SlurmCluster();
        RunSweep(cluster.Environment);
    }

    [Fact]
    public void QueuedTrialIsCancelled_AndARunningOneLeftByADeadControllerIsStopped()
    {
        using var cluster = new SlurmCluster();
        var sweepFolder = _folder.Combine("sweep");
        // A trial Slurm holds back (--begin in an hour) is still queued: stopping it cancels it, and it reads as interrupted.
        var held = new SlurmExecutor(TestApp.Dll, _folder.Path, ["--begin=now+3600"], cluster.Environment).Start(LongTrial.In(sweepFolder, 0));
        held.Stop();
        Assert.True(SpinWait.SpinUntil(() => held.HasExited, TimeSpan.FromSeconds(60)), "the queued job was not cancelled");
        Assert.Equal(ExitCodes.Interrupted, held.ExitCode);

        // A running trial whose controller died: a new controller knows it only by its handle, and stops it.
        var launch = LongTrial.In(sweepFolder, 1);
        var running = new SlurmExecutor(TestApp.Dll, _folder.Path, [], cluster.Environment).Start(launch);
        LongTrial.WaitForFirstEpoch(launch);
        new SlurmExecutor(TestApp.Dll, _folder.Path, [], cluster.Environment).Abandon(running.Handle);
        Assert.True(running.HasExited, "the abandoned job is still in the queue");
        // It was stopped the pruner's way (SIGTERM, checkpoint, ExitCodes.Stopped), not killed.
        Assert.Equal(ExitCodes.Stopped, running.ExitCode);
    }

    [Fact]
    public void Sweep_TrialOnTwoDevices_RunsAsOneJobOfTwoRanksThatSrunStarts()
    {
        using var cluster = new SlurmCluster();
        MpiRuntime.EnsureInstalled();
        var config = SweepConfigReader.Parse("""
            method: grid
            metric: {name: val_loss, goal: minimize}
            parameters:
              trainer.devices: {values: [1, 2]}
              trainer.max_epochs: {value: 2}
              trainer.threads: {value: 1}
              trainer.enable_checkpointing: {value: false}
            """);
        var result = new SweepRunner(new SweepOptions
        {
            ProjectFolder = _folder.Path,
            Config = config,
            ConfigPath = _folder.Combine("sweep.yaml"),
            Executor = new SlurmExecutor(TestApp.Dll, _folder.Path, [], cluster.Environment),
            Parallel = 2,
        }).Run(CancellationToken.None);

        var logs = Directory.GetFiles(_folder.Path, "output.log", SearchOption.AllDirectories);
        Assert.True(result.Finished == 2, $"failed {result.Failed}: {result.StopMessage}\n{string.Join('\n', logs.Select(File.ReadAllText))}");
        // Submitted together, the two trials go in two arrays: one task for one device, two srun ranks for two.
        var scripts = Directory.GetFiles(_folder.Path, "*.sbatch", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        Assert.Equal(2, scripts.Count);
        var one = Assert.Single(scripts, s => s.Contains("'--trainer.devices=1'", StringComparison.Ordinal));
        Assert.DoesNotContain("#SBATCH", one, StringComparison.Ordinal);
        Assert.Contains(") exec dotnet exec ", one, StringComparison.Ordinal);
        var two = Assert.Single(scripts, s => s.Contains("'--trainer.devices=2'", StringComparison.Ordinal));
        Assert.Contains("#SBATCH --ntasks=2\n", two, StringComparison.Ordinal);
        Assert.Contains("export SLURM_MPI_TYPE=\"${SLURM_MPI_TYPE:-pmix}\"\n", two, StringComparison.Ordinal);
        Assert.Contains(") exec srun dotnet exec ", two, StringComparison.Ordinal);
        // One run per trial: rank 0 alone wrote the two-device trial's events and run, which records both ranks.
        Assert.Equal(2, Directory.GetFiles(_folder.Path, "events-*.jsonl", SearchOption.AllDirectories).Length);
        var runs = Directory.GetDirectories(Path.Combine(_folder.Path, "lightning_logs"));
        Assert.Equal(2, runs.Length);
        Assert.Single(runs, run => File.ReadAllText(Path.Combine(run, "hparams.yaml")).Contains("world_size: 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Sweep_TwoDevicesInTheProjectsConfig_RunATrialAsOneJobOfTwoTasks()
    {
        using var cluster = new SlurmCluster();
        MpiRuntime.EnsureInstalled();
        // Not a sweep parameter: the controller learns the devices from the app's print-config, as dotnet lightning sweep does.
        File.WriteAllText(_folder.Combine("lightning.yaml"), """
            trainer:
              devices: 2
              max_epochs: 1
              threads: 1
              enable_checkpointing: false
            """);
        var config = SweepConfigReader.Parse("""
            method: grid
            metric: {name: val_loss, goal: minimize}
            parameters:
              model.lr: {value: 0.1}
            """);
        var result = new SweepRunner(new SweepOptions
        {
            ProjectFolder = _folder.Path,
            Config = config,
            ConfigPath = _folder.Combine("sweep.yaml"),
            PrintConfig = AppPrintConfig.Of(TestApp.Dll, _folder.Path),
            Executor = new SlurmExecutor(TestApp.Dll, _folder.Path, [], cluster.Environment),
        }).Run(CancellationToken.None);

        var logs = Directory.GetFiles(_folder.Path, "output.log", SearchOption.AllDirectories);
        Assert.True(result.Finished == 1, $"failed {result.Failed}: {result.StopMessage}\n{string.Join('\n', logs.Select(File.ReadAllText))}");
        // Two tasks that srun starts, not one task in which the app would start mpirun.
        var script = File.ReadAllText(Assert.Single(Directory.GetFiles(_folder.Path, "*.sbatch", SearchOption.AllDirectories)));
        Assert.Contains("#SBATCH --ntasks=2\n", script, StringComparison.Ordinal);
        Assert.Contains(") exec srun dotnet exec ", script, StringComparison.Ordinal);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(_folder.Path, "lightning_logs")));
        Assert.Contains("world_size: 2", File.ReadAllText(Path.Combine(run, "hparams.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void RunningTwoRankTrialIsStopped_ItsRanksCheckpointAndItReadsAsStopped()
    {
        using var cluster = new SlurmCluster();
        MpiRuntime.EnsureInstalled();
        var trial = LongTrial.In(_folder.Combine("sweep"), 0);
        var launch = trial with { Arguments = [.. trial.Arguments, "--trainer.devices=2"], Ranks = new TrialRanks(1, 2) };
        var running = new SlurmExecutor(TestApp.Dll, _folder.Path, [], cluster.Environment).Start(launch);
        LongTrial.WaitForFirstEpoch(launch);
        running.Stop();
        Assert.True(SpinWait.SpinUntil(() => running.HasExited, TimeSpan.FromSeconds(90)), "the stopped job is still in the queue");
        // Stopped the pruner's way on both ranks (SIGTERM, checkpoint, ExitCodes.Stopped): srun, which would kill them, was not signalled.
        Assert.True(running.ExitCode == ExitCodes.Stopped, $"exit {running.ExitCode}: {File.ReadAllText(launch.LogPath)}");
    }

    private void RunSweep(IReadOnlyDictionary<string, string> environment)
    {
        var config = SweepConfigReader.Parse("""
            method: grid
            metric: {name: val_loss, goal: minimize}
            parameters:
              model.lr: {values: [0.1, 0.03, 0.01, 0.003]}
              trainer.max_epochs: {value: 3}
              trainer.threads: {value: 1}
              trainer.enable_checkpointing: {value: false}
            early_terminate: {type: asha, min_iter: 1, eta: 2}
            """);
        var result = new SweepRunner(new SweepOptions
        {
            ProjectFolder = _folder.Path,
            Config = config,
            ConfigPath = _folder.Combine("sweep.yaml"),
            Executor = new SlurmExecutor(TestApp.Dll, _folder.Path, [], environment),
            Parallel = 2,
        }).Run(CancellationToken.None);
        Assert.True(result.Finished + result.Pruned == 4,
            $"finished {result.Finished}, pruned {result.Pruned}, failed {result.Failed}: {result.StopMessage}");
        Assert.True(result.Finished >= 1);
        var logs = Directory.GetFiles(_folder.Path, "output.log", SearchOption.AllDirectories);
        Assert.Equal(4, logs.Length);
        // Grid trials are known up front: one array of all four, Slurm running two at a time.
        var script = File.ReadAllText(Assert.Single(Directory.GetFiles(_folder.Path, "*.sbatch", SearchOption.AllDirectories)));
        var variable = Lightning.Hosting.SweepTrialContract.DecisionEpochsVariable;
        Assert.All(Enumerable.Range(0, 4), n => Assert.Contains($"  {n}) export {variable}='1,2,4,", script));
        Assert.Equal(4, script.Split("; exec dotnet exec ").Length - 1);
    }

    [Fact]
    public void UnreachableSlurm_IsAClearErrorBeforeAnySubmission()
    {
        var error = Assert.Throws<SweepRefusedException>(() =>
            new SlurmExecutor(TestApp.Dll, _folder.Path, [], new Dictionary<string, string> { ["SLURM_CONF"] = _folder.Combine("missing.conf") }));
        Assert.Contains("Slurm is not installed or not answering", error.Message);
        Assert.Contains("nothing was submitted", error.Message);
    }
}
