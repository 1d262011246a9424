using Lightning.Core.Distributed;

namespace Lightning.Core.Tests.Distributed;

public sealed class MpiLibraryTests
{
    [Fact]
    public void Load_ALibraryThatIsNotMpi_NamesTheMissingEntryPoint()
    {
        var error = Assert.Throws<DistributedException>(() => MpiLibrary.Load("libc.so.6"));
        Assert.Equal(
            "'libc.so.6' does not export MPI_Init_thread: it is not an MPI library; install Open MPI (apt-get install openmpi-bin) " +
            "or MPICH (apt-get install mpich), or set LIGHTNING_MPI_LIB to the library's path.",
            error.Message);
    }
}
