using Lightning.Core.Distributed;

namespace Lightning.Core.Tests.Distributed;

public sealed class LaunchEnvironmentTests
{
    private static Func<string, string?> Variables(string pairs)
    {
        var map = pairs.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return name => map.GetValueOrDefault(name);
    }

    [Theory]
    [InlineData("OMPI_COMM_WORLD_RANK=3 OMPI_COMM_WORLD_SIZE=4 OMPI_COMM_WORLD_LOCAL_RANK=1 PMIX_RANK=3", "Open MPI", 3, 1, 4)]
    [InlineData("PMI_RANK=1 PMI_SIZE=2 MPI_LOCALRANKID=1", "MPICH (PMI)", 1, 1, 2)]
    [InlineData("PMIX_RANK=5 SLURM_PROCID=5 SLURM_STEP_NUM_TASKS=8 SLURM_LOCALID=1", "PMIx", 5, 1, 8)]
    [InlineData("SLURM_PROCID=2 SLURM_STEP_NUM_TASKS=4 SLURM_LOCALID=0 SLURM_NTASKS=4", "Slurm", 2, 0, 4)]
    [InlineData("PMI_RANK=1 PMI_SIZE=2", "MPICH (PMI)", 1, 1, 2)]
    public void Detect_LauncherVariables_GiveRankLocalRankAndSize(string variables, string launcher, int rank, int local, int size)
    {
        Assert.Equal(new LaunchEnvironment(launcher, rank, local, size), LaunchEnvironment.Detect(Variables(variables)));
    }

    [Fact]
    public void Detect_PmixWithoutSlurm_LeavesTheSizeToMpi()
    {
        Assert.Equal(new LaunchEnvironment("PMIx", 1, 1, null), LaunchEnvironment.Detect(Variables("PMIX_RANK=1")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("SLURM_PROCID=0 SLURM_NTASKS=2 SLURM_LOCALID=0")] // a batch script that starts the app without srun
    [InlineData("OMPI_COMM_WORLD_RANK=x OMPI_COMM_WORLD_SIZE=2")]
    public void Detect_NoLauncher_IsNull(string variables)
    {
        Assert.Null(LaunchEnvironment.Detect(Variables(variables)));
    }
}
