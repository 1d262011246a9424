using System.Diagnostics;

namespace Lightning.Sweeps.Executors;

/// <summary>Runs one Slurm command line (sinfo, sbatch, squeue, scontrol, scancel) and returns its exit code and output.</summary>
internal static class SlurmCommand
{
    /// <returns>Exit code -1 when the command is missing or did not answer in time; the output says which.</returns>
    public static (int Code, string Output) Run(string file, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments) info.ArgumentList.Add(argument);
            foreach (var (key, value) in environment) info.Environment[key] = value;
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{file} did not answer within {timeout.TotalSeconds:F0} s");
            }
            return (process.ExitCode, output + error.Result);
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            return (-1, $"{file} was not found ({missing.Message})");
        }
    }
}
