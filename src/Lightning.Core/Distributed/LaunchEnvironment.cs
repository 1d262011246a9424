using System.Globalization;

namespace Lightning.Core.Distributed;

/// <summary>
/// What the launcher that started this process (mpirun, mpiexec, srun) says about it, read from the environment
/// before any MPI library is loaded, so a plain process never touches MPI.
/// </summary>
/// <param name="Launcher">Which variables said so: <c>Open MPI</c>, <c>MPICH (PMI)</c>, <c>PMIx</c> or <c>Slurm</c>.</param>
/// <param name="Rank">This process's rank.</param>
/// <param name="LocalRank">Its rank on its node; the rank itself when the launcher does not say (one node assumed).</param>
/// <param name="WorldSize">The job's process count, or null when only the rank is known (MPI_Comm_size tells).</param>
public sealed record LaunchEnvironment(string Launcher, int Rank, int LocalRank, int? WorldSize)
{
    /// <summary>The launch this process's environment describes, or null for a process no launcher started.</summary>
    public static LaunchEnvironment? Detect() => Detect(Environment.GetEnvironmentVariable);

    /// <summary>The launch <paramref name="variable"/> (an environment lookup) describes, or null for none.</summary>
    public static LaunchEnvironment? Detect(Func<string, string?> variable)
    {
        // MPI launchers first: srun --mpi=pmix sets PMIX_RANK beside the SLURM_* variables, mpirun under an
        // allocation inherits SLURM_* from the batch step, and in both the MPI launcher's view is the one MPI shares.
        return From("Open MPI", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK")
            ?? From("MPICH (PMI)", "PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID")
            ?? From("PMIx", "PMIX_RANK", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID")
            // SLURM_STEP_NUM_TASKS exists only inside an srun step: a batch script with --ntasks=2 that starts the app
            // directly (SLURM_NTASKS=2, SLURM_PROCID=0) is one process, not rank 0 of two.
            ?? From("Slurm", "SLURM_PROCID", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID", sizeRequired: true);

        LaunchEnvironment? From(string launcher, string rankName, string sizeName, string localName, bool sizeRequired = false)
        {
            var rank = Number(rankName);
            var size = Number(sizeName);
            if (rank is null || (sizeRequired && size is null)) return null;
            return new LaunchEnvironment(launcher, rank.Value, Number(localName) ?? rank.Value, size);
        }

        int? Number(string name) =>
            int.TryParse(variable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
