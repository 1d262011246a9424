using System.Runtime.InteropServices;

namespace Lightning.Core.Native;

/// <summary>Finds the files of the shared libraries this process uses, as the dynamic loader resolved them.</summary>
internal static class HostLibraries
{
    /// <summary>
    /// The path of the library with <paramref name="soname"/> as mapped into this process, loading it by soname
    /// first if needed, so the answer is exactly the file the loader would bind a later library to.
    /// </summary>
    public static string? Locate(string soname)
    {
        if (FindMapped(soname) is { } mapped) return mapped;
        return NativeLibrary.TryLoad(soname, out _) ? FindMapped(soname) : null;
    }

    /// <summary>The versions a host library defines, or null when the host has no such library.</summary>
    public static IReadOnlySet<string>? Definitions(string soname) =>
        Locate(soname) is { } path ? ElfDependencies.Read(path).Definitions : null;

    private static string? FindMapped(string soname)
    {
        // /proc/self/maps lists real file names (libstdc++.so.6.0.30), not the soname symlink.
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var slash = line.IndexOf('/');
            if (slash < 0) continue;
            var path = line[slash..];
            var name = Path.GetFileName(path);
            if (name == soname || name.StartsWith(soname + ".", StringComparison.Ordinal)) return path;
        }
        return null;
    }
}
