using System.Diagnostics;
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

    private static IReadOnlyDictionary<string, string> StartCluster()
    {
        var (code, output) = Cluster("up");
        Assert.True(code == 0, $"The single-node Slurm cluster could not start:\n{output}");
        return new Dictionary<string, string> { ["SLURM_CONF"] = "/tmp/lightning-slurm/slurm.conf" };
    }

    private static (int Code, string Output) Cluster(string verb)
    {
        var script = Path.Combine(Repository.Root, "scripts", "slurm-single-node.sh");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(verb);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"slurm-single-node.sh {verb} did not finish in 5 minutes");
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public void Sweep_RunsItsTrialsAsSlurmJobs()
    {
        var environment = StartCluster();
        try
        {
            RunSweep(environment);
        }
        finally
        {
            Cluster("down");
        }
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
        Assert.All(Directory.GetFiles(_folder.Path, "*.sbatch", SearchOption.AllDirectories), s => Assert.Contains("exec dotnet exec", File.ReadAllText(s)));
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
