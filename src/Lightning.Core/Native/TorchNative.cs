using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Lightning.Core.Native;

/// <summary>
/// Makes TorchSharp's native library load on hosts whose libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04,
/// RHEL 9), with nothing for the user to do. Call <see cref="EnsureLoadable"/> before the first use of <c>torch</c>;
/// the app host, the trainer and the module base class do.
/// </summary>
public static class TorchNative
{
    private const string LibraryFile = "libLibTorchSharp.so";
    private static readonly Lock Gate = new();
    private static NativeLoadReport? _report;
    private static IntPtr _copyHandle;

    /// <summary>Environment variable that moves the folder holding private copies (default: the user's cache folder).</summary>
    public const string CacheVariable = "LIGHTNING_NATIVE_CACHE";

    /// <summary>
    /// Checks the stock library against this host once per process. When only <c>GLIBCXX_3.4.32</c> is missing,
    /// writes (once per library build) a private copy with that need marked weak and routes TorchSharp's load to it.
    /// </summary>
    /// <exception cref="NativeLoadException">The library is missing, or the host lacks a version that cannot be waived.</exception>
    public static NativeLoadReport EnsureLoadable()
    {
        lock (Gate)
        {
            if (_report is not null) return _report;
            if (!OperatingSystem.IsLinux())
                return _report = new NativeLoadReport(LibraryFile, NativeFix.None, "(platform loader)", []);

            var library = LocateLibrary();
            var report = Plan(library, HostLibraries.Definitions, CacheRoot());
            if (report.Fix == NativeFix.WeakGlibcxxCopy)
            {
                PreloadNeighbours(library, ElfDependencies.Read(library));
                try
                {
                    _copyHandle = NativeLibrary.Load(report.LoadedFrom);
                }
                catch (DllNotFoundException error)
                {
                    throw new NativeLoadException(
                        $"{library} could not be loaded ({error.Message}). " +
                        "Its libtorch (libtorch_cpu.so, libc10.so, libtorch.so) must be beside it, " +
                        "from the libtorch-cpu-linux-x64 package, or on LD_LIBRARY_PATH (for example a Python torch install's torch/lib).");
                }
            }
            return _report = report;
        }
    }

    /// <summary>
    /// Decides how <paramref name="library"/> loads on a host whose libraries define what <paramref name="hostDefinitions"/>
    /// returns, writing the private copy under <paramref name="cacheRoot"/> only when it is needed. Loads nothing.
    /// </summary>
    /// <exception cref="NativeLoadException">The host lacks a version that cannot be waived.</exception>
    public static NativeLoadReport Plan(string library, Func<string, IReadOnlySet<string>?> hostDefinitions, string cacheRoot)
    {
        var dependencies = ElfDependencies.Read(library);
        var (fix, missing) = NativeCompatibility.Assess(dependencies, hostDefinitions);
        if (missing.Count > 0 && fix == NativeFix.None) throw new NativeLoadException(NativeCompatibility.Describe(library, missing));
        return fix == NativeFix.None
            ? new NativeLoadReport(library, fix, library, [])
            : new NativeLoadReport(library, fix, WritePrivateCopy(library, dependencies, cacheRoot), missing);
    }

    /// <summary>The folder that holds private copies, keyed by the stock library's hash.</summary>
    public static string CacheRoot()
    {
        if (Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } configured) return configured;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = xdg is { Length: > 0 } ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "lightning-dotnet", "native");
    }

    /// <summary>
    /// Writes the weak-need copy of <paramref name="library"/> under <paramref name="cacheRoot"/> (atomically, once) and
    /// returns its path. The stock file is only read.
    /// </summary>
    public static string WritePrivateCopy(string library, ElfDependencies dependencies, string cacheRoot)
    {
        var original = File.ReadAllBytes(library);
        var patched = NativeCompatibility.MarkWaivableWeak(original, dependencies);
        var folder = Path.Combine(cacheRoot, Convert.ToHexStringLower(SHA256.HashData(original))[..16]);
        var target = Path.Combine(folder, LibraryFile);
        if (File.Exists(target) && File.ReadAllBytes(target).AsSpan().SequenceEqual(patched)) return target;

        Directory.CreateDirectory(folder);
        var temporary = $"{target}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, patched);
        File.Move(temporary, target, overwrite: true);
        return target;
    }

    /// <summary>
    /// Called by the runtime when loading <c>LibTorchSharp</c> the normal way failed: hands out the private copy.
    /// A host that cannot be fixed gets its reason on standard error, since TorchSharp's own message misleads.
    /// </summary>
    internal static IntPtr ResolveLibTorchSharp(Assembly assembly, string name)
    {
        if (!name.Contains("LibTorchSharp", StringComparison.Ordinal)) return IntPtr.Zero;
        try
        {
            EnsureLoadable();
            return _copyHandle;
        }
        catch (Exception error) when (error is NativeLoadException or IOException or InvalidDataException)
        {
            // A native resolver callback has no writer to hand: standard error is the only place its reason can go.
#pragma warning disable RS0030
            Console.Error.WriteLine(error.Message);
#pragma warning restore RS0030
            return IntPtr.Zero;
        }
    }

    // The copy lives outside the package folder, so its DT_NEEDED entries (libc10.so, libtorch_cpu.so, ...) would not
    // be found through $ORIGIN. Loading them first from beside the stock library lets the loader reuse them by soname.
    private static void PreloadNeighbours(string library, ElfDependencies dependencies)
    {
        var folder = Path.GetDirectoryName(library)!;
        foreach (var needed in dependencies.Libraries)
        {
            var candidate = Path.Combine(folder, needed);
            if (File.Exists(candidate)) NativeLibrary.Load(candidate);
        }
    }

    private static string LocateLibrary()
    {
        // The host puts the native folders of deps.json (runtimes/linux-x64/native) into this list.
        var probing = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(AppContext.BaseDirectory)
            .Append(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"))
            .Concat((Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        foreach (var folder in probing)
        {
            var candidate = Path.Combine(folder, LibraryFile);
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new NativeLoadException(
            $"{LibraryFile} was not found beside the application ({AppContext.BaseDirectory}) nor on LD_LIBRARY_PATH. " +
            "Reference the TorchSharp package (and libtorch-cpu-linux-x64, unless a libtorch is supplied through LD_LIBRARY_PATH) and rebuild.");
    }
}
