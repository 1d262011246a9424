using Lightning.Hosting.Processes;

namespace Lightning.Sweeps.Executors;

/// <summary>Runs one Slurm command line (sinfo, sbatch, squeue, scontrol, scancel) and returns its exit code and output.</summary>
internal static class SlurmCommand
{
    /// <summary>The seam Slurm commands go through; tests may swap it.</summary>
    public static IProcessRunner Runner { get; set; } = SystemProcessRunner.Instance;

    /// <returns>Exit code -1 when the command is missing or did not answer in time; the output says which.</returns>
    public static (int Code, string Output) Run(
        string file, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            var spec = new ProcessSpec(file, [.. arguments]) { Environment = environment.ToDictionary(p => p.Key, p => (string?)p.Value) };
            var result = Runner.Run(spec, timeout);
            return result.TimedOut
                ? (-1, $"{file} did not answer within {timeout.TotalSeconds:F0} s")
                : (result.ExitCode, result.Output + result.Error);
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            return (-1, $"{file} was not found ({missing.Message})");
        }
    }
}
