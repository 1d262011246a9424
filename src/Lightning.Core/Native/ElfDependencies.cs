using System.Buffers.Binary;
using System.Text;

namespace Lightning.Core.Native;

/// <summary>One version a shared library needs from another (an entry of <c>.gnu.version_r</c>).</summary>
/// <param name="File">The soname the version is needed from, e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="FlagsOffset">File offset of the entry's <c>vna_flags</c> half-word.</param>
/// <param name="IsWeak">Whether <c>VER_FLG_WEAK</c> is set: the loader then accepts a host without that version.</param>
public sealed record VersionNeed(string File, string Version, long FlagsOffset, bool IsWeak);

/// <summary>
/// What an ELF64 little-endian shared library links against, read from its section headers: the libraries it
/// needs (<c>DT_NEEDED</c>), the versions it needs from them (<c>SHT_GNU_verneed</c>) and the versions it defines
/// (<c>SHT_GNU_verdef</c>). Parsed from the file, never from fixed offsets, so any build of a library can be read.
/// </summary>
public sealed class ElfDependencies
{
    /// <summary><c>VER_FLG_WEAK</c> in <c>vna_flags</c>.</summary>
    public const ushort WeakFlag = 0x2;
    private const uint ShtDynamic = 6;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    private ElfDependencies(IReadOnlyList<string> libraries, IReadOnlyList<VersionNeed> needs, IReadOnlySet<string> definitions)
    {
        Libraries = libraries;
        Needs = needs;
        Definitions = definitions;
    }

    /// <summary>Sonames of the libraries this one needs (<c>DT_NEEDED</c>), in file order.</summary>
    public IReadOnlyList<string> Libraries { get; }

    /// <summary>Versions this library needs, in file order.</summary>
    public IReadOnlyList<VersionNeed> Needs { get; }

    /// <summary>Version names this library defines (what it offers to others).</summary>
    public IReadOnlySet<string> Definitions { get; }

    /// <summary>Reads the tables of the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not an ELF64 little-endian shared library.</exception>
    public static ElfDependencies Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses the tables from the bytes of an ELF file; <paramref name="name"/> only labels errors.</summary>
    public static ElfDependencies Parse(ReadOnlySpan<byte> image, string name)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            throw new InvalidDataException($"'{name}' is not an ELF file.");
        if (image[4] != 2 || image[5] != 1)
            throw new InvalidDataException($"'{name}' is not a 64-bit little-endian ELF file.");

        var sectionOffset = checked((int)U64(image, 0x28));
        var sectionSize = U16(image, 0x3A);
        var sectionCount = U16(image, 0x3C);
        if (sectionOffset == 0 || sectionCount == 0)
            throw new InvalidDataException($"'{name}' has no section headers, so its version tables cannot be located.");

        var libraries = new List<string>();
        var needs = new List<VersionNeed>();
        var definitions = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sectionCount; i++)
        {
            var header = image.Slice(sectionOffset + i * sectionSize, sectionSize);
            var type = U32(header, 4);
            if (type != ShtGnuVerneed && type != ShtGnuVerdef && type != ShtDynamic) continue;

            var offset = checked((int)U64(header, 0x18));
            var entries = (int)U32(header, 0x2C);
            var linkedStrings = image.Slice(sectionOffset + (int)U32(header, 0x28) * sectionSize, sectionSize);
            var strings = checked((int)U64(linkedStrings, 0x18));
            if (type == ShtDynamic) ReadLibraries(image, offset, (int)U64(header, 0x20), strings, libraries);
            else if (type == ShtGnuVerneed) ReadNeeds(image, offset, entries, strings, needs);
            else ReadDefinitions(image, offset, entries, strings, definitions);
        }
        return new ElfDependencies(libraries, needs, definitions);
    }

    private static void ReadLibraries(ReadOnlySpan<byte> image, int offset, int size, int strings, List<string> libraries)
    {
        const ulong dtNeeded = 1;
        for (var at = offset; at + 16 <= offset + size; at += 16)
        {
            var tag = U64(image, at);
            if (tag == 0) break;
            if (tag == dtNeeded) libraries.Add(CString(image, strings + checked((int)U64(image, at + 8))));
        }
    }

    private static void ReadNeeds(ReadOnlySpan<byte> image, int offset, int entries, int strings, List<VersionNeed> needs)
    {
        for (var n = 0; n < entries; n++)
        {
            var file = CString(image, strings + (int)U32(image, offset + 4));
            var auxCount = U16(image, offset + 2);
            var aux = offset + (int)U32(image, offset + 8);
            for (var a = 0; a < auxCount; a++)
            {
                var flags = U16(image, aux + 4);
                var version = CString(image, strings + (int)U32(image, aux + 8));
                needs.Add(new VersionNeed(file, version, aux + 4, (flags & WeakFlag) != 0));
                aux += (int)U32(image, aux + 12);
            }
            var next = (int)U32(image, offset + 12);
            if (next == 0) break;
            offset += next;
        }
    }

    private static void ReadDefinitions(ReadOnlySpan<byte> image, int offset, int entries, int strings, HashSet<string> definitions)
    {
        for (var d = 0; d < entries; d++)
        {
            // The first auxiliary entry of a definition holds its name; later ones name its parents.
            var aux = offset + (int)U32(image, offset + 12);
            definitions.Add(CString(image, strings + (int)U32(image, aux)));
            var next = (int)U32(image, offset + 16);
            if (next == 0) break;
            offset += next;
        }
    }

    private static ushort U16(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);
    private static uint U32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);
    private static ulong U64(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt64LittleEndian(s[at..]);

    private static string CString(ReadOnlySpan<byte> s, int at)
    {
        var end = s[at..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(s.Slice(at, end < 0 ? s.Length - at : end));
    }
}
