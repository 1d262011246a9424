using TorchSharp;

namespace Lightning.Core.Native;

/// <summary>What the process runs on: TorchSharp's native library (and the fix applied), the libtorch loaded, CUDA.</summary>
public static class NativeDiagnostics
{
    /// <summary>One finding: a short name, whether it is fine, and what was found.</summary>
    public sealed record Finding(string Name, bool Ok, string Detail);

    /// <summary>Loads torch (if not yet loaded) and reports; never throws.</summary>
    public static IReadOnlyList<Finding> Check()
    {
        var findings = new List<Finding>();
        try
        {
            var report = TorchNative.EnsureLoadable();
            var how = report.Fix == NativeFix.None
                ? "loaded as shipped"
                : $"loaded from a private copy ({report.LoadedFrom}) whose need for {string.Join(", ", report.Waived.Select(w => w.Version))} " +
                    "is marked weak, since this host's libstdc++ lacks it";
            findings.Add(new Finding("native", true, $"{report.Library}: {how}"));
            using var probe = torch.ones(2) * 2;
            var libtorch = LoadedLibrary("libtorch_cpu.so") ?? "(not found in this process)";
            findings.Add(new Finding("libtorch", true,
                $"{libtorch} (TorchSharp {Checkpoints.VersionInfo.TorchSharp} is built for libtorch {torch.__version__})"));
            var cuda = torch.TryInitializeDeviceType(DeviceType.CUDA) && torch.cuda.is_available();
            findings.Add(new Finding("cuda", true, cuda
                ? $"available: {torch.cuda.device_count()} device(s), libtorch_cuda from {LoadedLibrary("libtorch_cuda.so")}"
                : "not available (CPU only): no CUDA libtorch loaded or no GPU visible"));
        }
        catch (Exception error) when (error is NativeLoadException or DllNotFoundException or TypeInitializationException or NotSupportedException
            or InvalidOperationException)
        {
            findings.Add(new Finding("native", false, (error.InnerException ?? error).Message));
        }
        return findings;
    }

    private static string? LoadedLibrary(string name) =>
        File.ReadLines("/proc/self/maps").Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : null)
            .FirstOrDefault(p => p is not null && Path.GetFileName(p).StartsWith(name, StringComparison.Ordinal));
}
