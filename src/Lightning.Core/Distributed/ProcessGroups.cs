namespace Lightning.Core.Distributed;

/// <summary>Picks the process group for how this process was started.</summary>
public static class ProcessGroups
{
    /// <summary>
    /// MPI when a launcher (mpirun, mpiexec, srun) started this process as one of several; otherwise the single
    /// process, which loads nothing. <c>LIGHTNING_MPI_LIB</c> names the MPI library to use.
    /// </summary>
    /// <exception cref="DistributedException">The process was launched as a rank but MPI could not be loaded or started.</exception>
    public static IProcessGroup Create() => Create(Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="Create()"/>, reading the environment through <paramref name="variable"/>.</summary>
    internal static IProcessGroup Create(Func<string, string?> variable) =>
        LaunchEnvironment.Detect(variable) is { WorldSize: not 1 } launch
            ? MpiProcessGroup.Initialize(launch, variable(MpiLibrary.OverrideVariable))
            : new SingleProcessGroup();

    /// <summary>
    /// For a rank exiting while its training thread still waits in a collective (its launcher is ending the job): MPI
    /// is not finalized at exit, since MPI_Finalize would wait for that collective until the launcher's SIGKILL.
    /// </summary>
    public static void Abandon() => ProcessGroupRuntime.Abandon();
}
