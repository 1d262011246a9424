using Lightning.Core.Distributed;

namespace Lightning.Core.Tests.Distributed;

public sealed class ProcessGroupsTests
{
    private static Func<string, string?> Variables(params (string Name, string Value)[] pairs) =>
        name => pairs.FirstOrDefault(p => p.Name == name).Value;

    [Fact]
    public void Create_NoLauncher_IsTheSingleProcess()
    {
        using var group = ProcessGroups.Create(Variables());
        Assert.IsType<SingleProcessGroup>(group);
    }

    [Fact]
    public void Create_LaunchedAsOneRank_IsTheSingleProcessWithoutLoadingMpi()
    {
        // The library named here does not exist: loading it would throw.
        using var group = ProcessGroups.Create(Variables(
            ("OMPI_COMM_WORLD_RANK", "0"), ("OMPI_COMM_WORLD_SIZE", "1"), ("LIGHTNING_MPI_LIB", "/nonexistent/libmpi.so")));
        Assert.IsType<SingleProcessGroup>(group);
    }

    [Fact]
    public void Create_LaunchedAsRankWithAMissingLibrary_SaysWhatToInstall()
    {
        var error = Assert.Throws<DistributedException>(() => ProcessGroups.Create(Variables(
            ("OMPI_COMM_WORLD_RANK", "1"), ("OMPI_COMM_WORLD_SIZE", "2"), ("LIGHTNING_MPI_LIB", "/nonexistent/libmpi.so"))));
        Assert.Equal(
            "The MPI library '/nonexistent/libmpi.so' named by LIGHTNING_MPI_LIB could not be loaded: install Open MPI " +
            "(apt-get install openmpi-bin) or MPICH (apt-get install mpich), or set LIGHTNING_MPI_LIB to the library's path.",
            error.Message);
    }
}
