using System.Runtime.InteropServices;

namespace Lightning.Mlflow.SystemMetrics;

/// <summary>
/// The few NVML calls the GPU metrics need, bound at run time from <c>libnvidia-ml.so.1</c> (the driver's library):
/// where it is missing (no NVIDIA driver) <see cref="TryLoad"/> returns null and no GPU metric is logged.
/// </summary>
internal sealed class Nvml
{
    /// <summary>One GPU's reading.</summary>
    public sealed record Reading(int Index, double UtilizationPercent, double UsedBytes, double TotalBytes);

    [StructLayout(LayoutKind.Sequential)]
    private struct Utilization { public uint Gpu; public uint Memory; }

    [StructLayout(LayoutKind.Sequential)]
    private struct Memory { public ulong Total; public ulong Free; public ulong Used; }

    private delegate int InitFn();
    private delegate int CountFn(out uint count);
    private delegate int HandleFn(uint index, out IntPtr device);
    private delegate int UtilizationFn(IntPtr device, out Utilization utilization);
    private delegate int MemoryFn(IntPtr device, out Memory memory);

    private readonly IntPtr[] _devices;
    private readonly UtilizationFn _utilization;
    private readonly MemoryFn _memory;

    private Nvml(IntPtr[] devices, UtilizationFn utilization, MemoryFn memory) => (_devices, _utilization, _memory) = (devices, utilization, memory);

    /// <summary>NVML with its devices, or null when the library, a function or the driver is missing.</summary>
    public static Nvml? TryLoad(string library = "libnvidia-ml.so.1")
    {
        if (!NativeLibrary.TryLoad(library, out var handle)) return null;
        T? Bind<T>(string name) where T : Delegate =>
            NativeLibrary.TryGetExport(handle, name, out var address) ? Marshal.GetDelegateForFunctionPointer<T>(address) : null;
        var init = Bind<InitFn>("nvmlInit_v2");
        var count = Bind<CountFn>("nvmlDeviceGetCount_v2");
        var byIndex = Bind<HandleFn>("nvmlDeviceGetHandleByIndex_v2");
        var utilization = Bind<UtilizationFn>("nvmlDeviceGetUtilizationRates");
        var memory = Bind<MemoryFn>("nvmlDeviceGetMemoryInfo");
        if (init is null || count is null || byIndex is null || utilization is null || memory is null) return null;
        if (init() != 0 || count(out var devices) != 0 || devices == 0) return null;
        var handles = new List<IntPtr>();
        for (var i = 0u; i < devices; i++)
            if (byIndex(i, out var device) == 0) handles.Add(device);
        return handles.Count == 0 ? null : new Nvml([.. handles], utilization, memory);
    }

    /// <summary>Each GPU that answers (one that does not is left out of this sample).</summary>
    public IEnumerable<Reading> Read()
    {
        for (var i = 0; i < _devices.Length; i++)
        {
            if (_utilization(_devices[i], out var use) != 0 || _memory(_devices[i], out var memory) != 0 || memory.Total == 0) continue;
            yield return new Reading(i, use.Gpu, memory.Used, memory.Total);
        }
    }
}
