namespace Lightning.Hosting.Processes;

/// <summary>Starts child processes; the one seam every launcher (tool, sweeps, build task, Slurm, tests) goes through.</summary>
public interface IProcessRunner
{
    /// <summary>Starts <paramref name="spec"/> and returns its handle.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program was not found or could not be started.</exception>
    IProcessHandle Start(ProcessSpec spec);
}
