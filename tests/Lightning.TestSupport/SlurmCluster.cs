namespace Lightning.TestSupport;

/// <summary>
/// The one-machine Slurm cluster of scripts/slurm-single-node.sh (Debian's packages, installed if missing), started for
/// one test and stopped after it. If it cannot start, the constructor throws with the script's reason: a test that
/// needs Slurm fails, it is never skipped.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    public SlurmCluster()
    {
        var (code, output) = Script("up");
        if (code != 0) throw new InvalidOperationException($"The single-node Slurm cluster could not start:\n{output}");
    }

    /// <summary>What Slurm's clients (and the jobs they submit) need to find this cluster.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; } =
        new Dictionary<string, string> { ["SLURM_CONF"] = "/tmp/lightning-slurm/slurm.conf" };

    public void Dispose() => Script("down");

    private static (int Code, string Output) Script(string verb)
    {
        var script = Path.Combine(Repository.Root, "scripts", "slurm-single-node.sh");
        var result = ChildProcess.Run(Repository.Root, "bash", [script, verb], timeout: TimeSpan.FromMinutes(5));
        return (result.ExitCode, result.Output);
    }
}
