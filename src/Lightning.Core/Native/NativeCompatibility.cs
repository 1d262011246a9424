namespace Lightning.Core.Native;

/// <summary>
/// Decides whether the stock <c>libLibTorchSharp.so</c> can load on this host. TorchSharp 0.107 needs
/// <c>GLIBCXX_3.4.32</c> for one symbol, <c>std::ios_base_library_init()</c>, that nothing relocates or calls,
/// so that one need (and only that one) can safely be made weak. Anything else missing is a real gap.
/// </summary>
public static class NativeCompatibility
{
    /// <summary>The one version need that may be marked weak.</summary>
    public static readonly (string File, string Version) Waivable = ("libstdc++.so.6", "GLIBCXX_3.4.32");

    /// <summary>
    /// Compares what <paramref name="library"/> needs with what the host defines.
    /// <paramref name="hostDefinitions"/> returns the versions a host library defines, or null when it is absent.
    /// </summary>
    /// <returns>The fix to apply and the strong needs the host lacks.</returns>
    public static (NativeFix Fix, IReadOnlyList<VersionNeed> Missing) Assess(
        ElfDependencies library, Func<string, IReadOnlySet<string>?> hostDefinitions)
    {
        var missing = library.Needs
            .Where(need => !need.IsWeak)
            .Where(need => hostDefinitions(need.File) is not { } defined || !defined.Contains(need.Version))
            .ToList();
        var fixable = missing.Count > 0 && missing.All(IsWaivable);
        return (fixable ? NativeFix.WeakGlibcxxCopy : NativeFix.None, missing);
    }

    /// <summary>Whether the need is the one <see cref="Waivable"/> need.</summary>
    public static bool IsWaivable(VersionNeed need) => need.File == Waivable.File && need.Version == Waivable.Version;

    /// <summary>
    /// Returns a copy of <paramref name="image"/> in which only the waivable need carries <c>VER_FLG_WEAK</c>.
    /// </summary>
    public static byte[] MarkWaivableWeak(ReadOnlySpan<byte> image, ElfDependencies library)
    {
        var copy = image.ToArray();
        foreach (var need in library.Needs.Where(IsWaivable))
            copy[need.FlagsOffset] |= (byte)ElfDependencies.WeakFlag;
        return copy;
    }

    /// <summary>The error for a host that lacks versions that cannot be waived: library, versions and the fix.</summary>
    public static string Describe(string library, IReadOnlyList<VersionNeed> missing)
    {
        var gaps = string.Join(", ", missing.Select(m => $"'{m.Version}' from {m.File}"));
        return $"{library} needs {gaps}, which this host does not provide (only '{Waivable.Version}' can be worked around). " +
               "Fix: run on a distribution whose system libraries provide these versions " +
               "(for libstdc++: GCC 13 or newer, e.g. Debian 13 or Ubuntu 24.04), " +
               "or install a matching libstdc++ and put it on LD_LIBRARY_PATH.";
    }
}
