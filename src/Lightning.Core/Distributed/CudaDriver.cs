using System.Runtime.InteropServices;

namespace Lightning.Core.Distributed;

/// <summary>
/// The one call of CUDA's driver API (<c>libcuda.so.1</c>, installed with every NVIDIA driver) that TorchSharp lacks:
/// making a GPU the calling thread's current device. NCCL binds a communicator to the current device when it is
/// created, and TorchSharp only switches devices for the length of one operation, so without this every rank's
/// communicator would take GPU 0.
/// </summary>
/// <remarks>Untested here: this machine has no GPU and no driver; its tests cover the clear error when it is missing.</remarks>
internal static unsafe class CudaDriver
{
    /// <summary>The soname of the driver library.</summary>
    public const string SoName = "libcuda.so.1";

    /// <summary>Makes GPU <paramref name="ordinal"/>'s primary context (the one the CUDA runtime and libtorch use) current.</summary>
    /// <exception cref="DistributedException">The driver is missing or a call failed.</exception>
    public static void MakeCurrent(int ordinal, string library = SoName)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
            throw new DistributedException($"The CUDA driver ('{library}') could not be loaded: a data-parallel fit on CUDA needs the " +
                                           "NVIDIA driver of this GPU machine; check that nvidia-smi works.");
        var init = (delegate* unmanaged<uint, int>)Export(handle, library, "cuInit");
        var deviceGet = (delegate* unmanaged<int*, int, int>)Export(handle, library, "cuDeviceGet");
        var retain = (delegate* unmanaged<nint*, int, int>)Export(handle, library, "cuDevicePrimaryCtxRetain");
        var setCurrent = (delegate* unmanaged<nint, int>)Export(handle, library, "cuCtxSetCurrent");
        Check(init(0), "cuInit");
        int device;
        Check(deviceGet(&device, ordinal), $"cuDeviceGet({ordinal})");
        nint context;
        // Retained for the life of the process, as libtorch retains it.
        Check(retain(&context, device), "cuDevicePrimaryCtxRetain");
        Check(setCurrent(context), "cuCtxSetCurrent");
    }

    private static nint Export(nint handle, string library, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address)
            ? address
            : throw new DistributedException($"'{library}' does not export {name}: it is not NVIDIA's CUDA driver.");

    private static void Check(int result, string call)
    {
        if (result != 0) throw new DistributedException($"{call} failed with CUDA driver error {result}.");
    }
}
