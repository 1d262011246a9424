using System.Runtime.InteropServices;

namespace Lightning.Core.Distributed;

/// <summary>
/// The NCCL entry points data parallelism needs, bound at run time to <c>libnccl.so.2</c> (NCCL comes with CUDA and
/// PyTorch installs on GPU machines). Enum values are nccl.h's: ncclUint8 1, ncclFloat32 7, ncclFloat64 8, ncclSum 0, ncclAvg 4.
/// </summary>
/// <remarks>Untested here: this machine has neither a GPU nor NCCL; its tests cover loading and the struct layout.</remarks>
internal sealed unsafe class NcclLibrary
{
    /// <summary>The soname of NCCL 2.</summary>
    public const string SoName = "libnccl.so.2";

    public const int Uint8 = 1;
    public const int Float32 = 7;
    public const int Float64 = 8;
    public const int OperationSum = 0;
    public const int OperationAverage = 4;

    private readonly nint _library;

    private NcclLibrary(string name, nint library)
    {
        Name = name;
        _library = library;
        GetUniqueId = (delegate* unmanaged<NcclUniqueId*, int>)Export("ncclGetUniqueId");
        CommInitRank = (delegate* unmanaged<nint*, int, NcclUniqueId, int, int>)Export("ncclCommInitRank");
        AllReduce = (delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int>)Export("ncclAllReduce");
        Broadcast = (delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int>)Export("ncclBroadcast");
        CommDestroy = (delegate* unmanaged<nint, int>)Export("ncclCommDestroy");
        GetErrorString = (delegate* unmanaged<int, byte*>)Export("ncclGetErrorString");
    }

    /// <summary>The file or soname that was loaded.</summary>
    public string Name { get; }

    public delegate* unmanaged<NcclUniqueId*, int> GetUniqueId { get; }
    public delegate* unmanaged<nint*, int, NcclUniqueId, int, int> CommInitRank { get; }
    public delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int> AllReduce { get; }
    public delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int> Broadcast { get; }
    public delegate* unmanaged<nint, int> CommDestroy { get; }
    public delegate* unmanaged<int, byte*> GetErrorString { get; }

    /// <summary>Loads NCCL from <paramref name="name"/> (a path or soname).</summary>
    /// <exception cref="DistributedException">It could not be loaded; the message says what to install.</exception>
    public static NcclLibrary Load(string name = SoName) =>
        NativeLibrary.TryLoad(name, out var library)
            ? new NcclLibrary(name, library)
            : throw new DistributedException(
                $"NCCL ('{name}') could not be loaded: install NCCL on this GPU machine (the libnccl2 package from NVIDIA's CUDA " +
                "repository, or the NCCL of your CUDA toolkit or PyTorch install) and make its folder visible through LD_LIBRARY_PATH.");

    /// <summary>Throws when an NCCL call returned an error, naming the call and NCCL's text for the code.</summary>
    /// <exception cref="DistributedException">The call failed.</exception>
    public void Check(int result, string call)
    {
        if (result == 0) return;
        var reason = Marshal.PtrToStringUTF8((nint)GetErrorString(result)) ?? "unknown error";
        throw new DistributedException($"{call} failed with NCCL error {result} ({reason}) in {Name}.");
    }

    private nint Export(string name) =>
        NativeLibrary.TryGetExport(_library, name, out var address)
            ? address
            : throw new DistributedException($"'{Name}' does not export {name}: it is not NCCL 2.10 or later.");
}
