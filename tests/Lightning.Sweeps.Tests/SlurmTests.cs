using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Running;
using Lightning.TestSupport;

namespace Lightning.Sweeps.Tests;

/// <summary>
/// Trials on a real one-machine Slurm cluster that scripts/slurm-single-node.sh installs from Debian's packages and
/// starts. If the cluster cannot start, the test fails with the script's reason.
/// </summary>
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
        Assert.True(result.Finished + result.Pruned == 4, $"finished {result.Finished}, pruned {result.Pruned}, failed {result.Failed}: {result.Stopped}");
        Assert.True(result.Finished >= 1);
        var logs = Directory.GetFiles(_folder.Path, "output.log", SearchOption.AllDirectories);
        Assert.Equal(4, logs.Length);
        // Grid trials are known up front: one array of all four, Slurm running two at a time.
        var script = File.ReadAllText(Assert.Single(Directory.GetFiles(_folder.Path, "*.sbatch", SearchOption.AllDirectories)));
        Assert.All(Enumerable.Range(0, 4), n => Assert.Contains($"  {n}) export {Core.Hosting.SweepTrialContract.DecisionEpochsVariable}='1,2,4,", script));
        Assert.Equal(4, script.Split("; exec dotnet exec ").Length - 1);
    }

    [Fact]
    public void UnreachableSlurm_IsAClearErrorBeforeAnySubmission()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new SlurmExecutor(TestApp.Dll, _folder.Path, [], new Dictionary<string, string> { ["SLURM_CONF"] = _folder.Combine("missing.conf") }));
        Assert.Contains("Slurm is not installed or not answering", error.Message);
        Assert.Contains("nothing was submitted", error.Message);
    }
}
