using System.Runtime.InteropServices;
using Lightning.Core.Distributed;

namespace Lightning.Core.Tests.Distributed;

public sealed class NcclLibraryTests
{
    private const string Advice =
        "install NCCL on this GPU machine (the libnccl2 package from NVIDIA's CUDA repository, or the NCCL of your CUDA toolkit " +
        "or PyTorch install) and make its folder visible through LD_LIBRARY_PATH.";

    [Fact]
    public void Load_MissingLibrary_SaysWhatToInstall()
    {
        var error = Assert.Throws<DistributedException>(() => NcclLibrary.Load("/nonexistent/libnccl.so.2"));
        Assert.Equal($"NCCL ('/nonexistent/libnccl.so.2') could not be loaded: {Advice}", error.Message);
    }

    [SkippableWhenNcclPresentFact]
    public void Create_OnAHostWithoutNccl_FailsBeforeAnyCollective()
    {
        using var rendezvous = new SingleProcessGroup();
        var error = Assert.Throws<DistributedException>(() => NcclProcessGroup.Create(rendezvous));
        Assert.Equal($"NCCL ('libnccl.so.2') could not be loaded: {Advice}", error.Message);
    }

    [Fact]
    public unsafe void UniqueId_IsNcclsOpaque128Bytes()
    {
        Assert.Equal(128, sizeof(NcclUniqueId));
        Assert.Equal(128, Marshal.SizeOf<NcclUniqueId>());
    }

    /// <summary>
    /// Runs only where libnccl.so.2 cannot be loaded (this machine and CI): it checks the error for a missing NCCL, which a
    /// GPU host that has NCCL cannot produce; there the NCCL path itself is what the device check exercises.
    /// </summary>
    private sealed class SkippableWhenNcclPresentFactAttribute : FactAttribute
    {
        public SkippableWhenNcclPresentFactAttribute()
        {
            if (NativeLibrary.TryLoad(NcclLibrary.SoName, out _))
                Skip = "checks the error for a missing NCCL, and libnccl.so.2 is installed on this host.";
        }
    }
}
