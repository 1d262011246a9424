using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Lightning.Core.Data.Shards;

/// <summary>
/// One <c>.npy</c> file mapped into memory, read by rows from several threads. Pages a mapping has touched count in the
/// process's RSS until they are unmapped, so on Linux, once reads may have mapped <see cref="TrimBytes"/>, the view's
/// pages are dropped from the process with <c>madvise(MADV_DONTNEED)</c>: they stay in the OS page cache (shared,
/// reclaimable), a later read maps them again from there, and the process's RSS stays flat.
/// </summary>
internal sealed unsafe partial class MappedNpyFile : IDisposable
{
    /// <summary>Bytes reads may map between trims: small against any RSS budget, large enough that trims cost little.</summary>
    public const long TrimBytes = 8L << 20;

    // Linux maps up to 64 KiB of cached file pages around each fault (fault_around_bytes), so a random 1 KiB row read
    // can add 64 KiB to RSS, and a read that crosses a cluster's edge twice that: count each read as what it may map.
    private const int FaultAroundBytes = 64 << 10;
    private const int DontNeed = 4;

    private readonly long _trimBytes;
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start;
    private readonly byte* _data;
    private long _mappedSinceTrim;

    public MappedNpyFile(string path, long trimBytes = TrimBytes)
    {
        _trimBytes = trimBytes;
        Path = path;
        Header = NpyHeader.Read(path);
        var needed = Header.DataOffset + Header.Shape[0] * Header.RowBytes;
        var length = new FileInfo(path).Length;
        if (length < needed) throw new DataException($"{path} is truncated: its header promises {needed} bytes but the file has {length}.");
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _start = start;
        _data = start + _view.PointerOffset + Header.DataOffset;
    }

    public string Path { get; }

    public NpyHeader Header { get; }

    public long Rows => Header.Shape[0];

    public void ReadRow(long row, Span<byte> destination)
    {
        var length = (int)Header.RowBytes;
        new ReadOnlySpan<byte>(_data + row * length, length).CopyTo(destination);
        if (OperatingSystem.IsLinux() && Interlocked.Add(ref _mappedSinceTrim, length + 2L * FaultAroundBytes) >= _trimBytes) Trim();
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    // Safe while other threads read: the mapping is read-only, so a page dropped here is mapped again from the page cache.
    private void Trim()
    {
        if (Interlocked.Exchange(ref _mappedSinceTrim, 0) < _trimBytes) return;
        var length = (nuint)(_view.SafeMemoryMappedViewHandle.ByteLength);
        if (Advise((nint)_start, length, DontNeed) != 0)
            throw new IOException($"madvise failed on {Path} (errno {Marshal.GetLastPInvokeError()}).");
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Advise(nint address, nuint length, int advice);
}
