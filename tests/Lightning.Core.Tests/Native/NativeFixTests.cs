using Lightning.TestSupport;
using System.Diagnostics;
using System.Security.Cryptography;
using Lightning.Core.Native;
using Lightning.Core.Tests.Support;

namespace Lightning.Core.Tests.Native;

[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class NativeFixTests
{
    private static string StockLibrary() => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static IReadOnlySet<string>? WithGlibcxx332(string soname)
    {
        var host = HostLibraries.Definitions(soname);
        return soname == "libstdc++.so.6" && host is not null ? new HashSet<string>(host) { "GLIBCXX_3.4.32" } : host;
    }

    [Fact]
    public void ElfParser_ReadsTheNeedsOfTheStockLibrary()
    {
        var dependencies = ElfDependencies.Read(StockLibrary());
        Assert.Contains("libtorch_cpu.so", dependencies.Libraries);
        var need = Assert.Single(dependencies.Needs, NativeCompatibility.IsWaivable);
        Assert.False(need.IsWeak);
        Assert.Contains(dependencies.Needs, n => n.File == "libc.so.6" && n.Version.StartsWith("GLIBC_2.", StringComparison.Ordinal));
    }

    [Fact]
    public void ElfParser_ReadsHostDefinitions()
    {
        var definitions = HostLibraries.Definitions("libstdc++.so.6")!;
        Assert.Contains("GLIBCXX_3.4", definitions);
        Assert.Contains("CXXABI_1.3", definitions);
    }

    [Fact]
    public void Copy_DiffersOnlyInTheWeakFlag_AndTheOriginalIsUntouched()
    {
        using var cache = new TempDirectory();
        var stock = StockLibrary();
        var before = SHA256.HashData(File.ReadAllBytes(stock));
        var report = TorchNative.Plan(stock,
            soname => soname == "libstdc++.so.6"
                ? new HashSet<string>(HostLibraries.Definitions(soname)!.Where(v => v != "GLIBCXX_3.4.32"))
                : HostLibraries.Definitions(soname),
            cache.Path);

        Assert.Equal(NativeFix.WeakGlibcxxCopy, report.Fix);
        Assert.StartsWith(cache.Path, report.LoadedFrom);
        var original = File.ReadAllBytes(stock);
        var copy = File.ReadAllBytes(report.LoadedFrom);
        Assert.Equal(original.Length, copy.Length);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != copy[i]).ToList();
        var offset = Assert.Single(differing);
        Assert.Equal(Assert.Single(ElfDependencies.Read(stock).Needs, NativeCompatibility.IsWaivable).FlagsOffset, offset);
        Assert.Equal(ElfDependencies.WeakFlag, copy[offset] ^ original[offset]);
        Assert.True(Assert.Single(ElfDependencies.Read(report.LoadedFrom).Needs, NativeCompatibility.IsWaivable).IsWeak);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(stock)));
    }

    [Fact]
    public void HostWithTheVersion_GetsNoCopy()
    {
        using var cache = new TempDirectory();
        var report = TorchNative.Plan(StockLibrary(), WithGlibcxx332, cache.Path);
        Assert.Equal(NativeFix.None, report.Fix);
        Assert.Equal(StockLibrary(), report.LoadedFrom);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache.Path));
    }

    [Fact]
    public void HostMissingAnotherVersion_FailsNamingLibraryVersionAndFix()
    {
        using var cache = new TempDirectory();
        var error = Assert.Throws<NativeLoadException>(() => TorchNative.Plan(StockLibrary(),
            soname => soname == "libc.so.6" ? new HashSet<string> { "GLIBC_2.2.5" } : WithGlibcxx332(soname), cache.Path));
        Assert.Contains(StockLibrary(), error.Message);
        Assert.Contains("from libc.so.6", error.Message);
        Assert.Contains("'GLIBC_2.", error.Message);
        Assert.Contains("Fix:", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache.Path));
    }

    [Fact]
    public void ThisHost_ReportsTheFixThatApplies()
    {
        var report = TorchNative.EnsureLoadable();
        var hostHasVersion = HostLibraries.Definitions("libstdc++.so.6")!.Contains("GLIBCXX_3.4.32");
        Assert.Equal(hostHasVersion ? NativeFix.None : NativeFix.WeakGlibcxxCopy, report.Fix);
    }

    [Fact]
    public void FreshProcess_LoadsTorchThroughTheAppHost()
    {
        using var work = new TempDirectory();
        using var cache = new TempDirectory();
        var run = TestApp.Run(work.Path, ["fit", "--trainer.fast_dev_run=true", "--trainer.enable_model_summary=false"],
            new Dictionary<string, string> { [TorchNative.CacheVariable] = cache.Path });
        Assert.True(run.ExitCode == 0, run.Output);
        var hostHasVersion = HostLibraries.Definitions("libstdc++.so.6")!.Contains("GLIBCXX_3.4.32");
        Assert.Equal(hostHasVersion ? 0 : 1, Directory.GetFiles(cache.Path, "libLibTorchSharp.so", SearchOption.AllDirectories).Length);
    }
}
