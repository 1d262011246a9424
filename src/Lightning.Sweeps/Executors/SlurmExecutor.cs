using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Lightning.Sweeps.Executors;

/// <summary>
/// Runs trials on Slurm: each trial is submitted with <c>sbatch --array=N</c> (the array task id is the trial number),
/// followed with <c>scontrol show job</c>, and stopped with <c>scancel --signal=TERM --full</c>. Trials write their events
/// files into the sweep folder, which must be on a file system the nodes share.
/// </summary>
public sealed class SlurmExecutor : ITrialExecutor
{
    private readonly string _appPath;
    private readonly string _workingDirectory;
    private readonly IReadOnlyList<string> _slurmArguments;
    private readonly IReadOnlyDictionary<string, string> _environment;

    /// <summary>Checks that Slurm answers before anything is submitted.</summary>
    /// <param name="appPath">The built app.</param>
    /// <param name="workingDirectory">The project folder (shared with the nodes).</param>
    /// <param name="slurmArguments">Extra sbatch arguments (partition, time, GPUs).</param>
    /// <param name="environment">Extra environment for the Slurm commands (e.g. SLURM_CONF); jobs inherit it.</param>
    /// <exception cref="InvalidOperationException">Slurm is not installed or its controller does not answer.</exception>
    public SlurmExecutor(string appPath, string workingDirectory, IReadOnlyList<string> slurmArguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        _appPath = appPath;
        _workingDirectory = workingDirectory;
        _slurmArguments = slurmArguments;
        _environment = environment ?? new Dictionary<string, string>();
        var (code, output) = Run("sinfo", ["-h", "-o", "%P %a %D"], TimeSpan.FromSeconds(20), _environment);
        if (code != 0)
            throw new InvalidOperationException($"Slurm is not installed or not answering (sinfo exited {code}: {output.Trim()}). Check SLURM_CONF and that slurmctld runs; nothing was submitted.");
    }

    /// <inheritdoc />
    public ITrialProcess Start(TrialLaunch launch)
    {
        var script = Path.Combine(Path.GetDirectoryName(launch.LogPath)!, $"trial-{launch.Number}.sbatch");
        var text = new StringBuilder("#!/bin/bash\n")
            .Append("export LIGHTNING_SWEEP_TRIAL=").Append(launch.Number.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("export LIGHTNING_PROGRESS=plain\n")
            .Append("cd ").Append(Quote(_workingDirectory)).Append('\n')
            // exec: the signal scancel sends reaches the app, which checkpoints and exits 3.
            .Append("exec dotnet exec ").Append(Quote(_appPath));
        foreach (var argument in launch.Arguments) text.Append(' ').Append(Quote(argument));
        File.WriteAllText(script, text.Append('\n').ToString());
        var arguments = new List<string> { "--parsable", $"--array={launch.Number}", $"--job-name=lightning-trial-{launch.Number}", "-o", launch.LogPath, "-e", launch.LogPath };
        arguments.AddRange(_slurmArguments);
        arguments.Add(script);
        var (code, output) = Run("sbatch", arguments, TimeSpan.FromSeconds(60), _environment);
        if (code != 0) throw new InvalidOperationException($"sbatch refused trial {launch.Number}: {output.Trim()}");
        var job = output.Trim().Split(';')[0] + "_" + launch.Number.ToString(CultureInfo.InvariantCulture);
        return new SlurmTrial(job, _environment);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    internal static (int Code, string Output) Run(string file, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string> environment)
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

    private sealed class SlurmTrial(string job, IReadOnlyDictionary<string, string> environment) : ITrialProcess
    {
        private int? _exit;

        public bool HasExited
        {
            get
            {
                if (_exit is not null) return true;
                var (code, output) = Run("scontrol", ["show", "job", "-o", job], TimeSpan.FromSeconds(20), environment);
                if (code != 0) return false;
                var state = Field(output, "JobState");
                if (state is "PENDING" or "RUNNING" or "COMPLETING" or "CONFIGURING" or "SUSPENDED" or "REQUEUED" or null) return false;
                // ExitCode=3:0 is the exit status and the signal that ended the job, if any.
                var exit = Field(output, "ExitCode")?.Split(':') ?? ["1"];
                _exit = int.Parse(exit[0], CultureInfo.InvariantCulture) is var status and not 0 ? status : state == "COMPLETED" ? 0 : 1;
                return true;
            }
        }

        public int ExitCode => _exit ?? throw new InvalidOperationException($"Slurm job {job} has not ended.");

        public void Stop() => Run("scancel", ["--signal=TERM", "--full", job], TimeSpan.FromSeconds(20), environment);

        public void Dispose() { }

        private static string? Field(string line, string name) =>
            line.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(f => f.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
    }
}
