using System.IO.MemoryMappedFiles;

namespace Lightning.Core.Data.Shards;

/// <summary>
/// One <c>.npy</c> file mapped into memory, read by rows from several threads. Pages a mapping has touched count in
/// the process's RSS until they are unmapped, so once reads may have mapped <see cref="RemapBytes"/> the view is dropped
/// and mapped afresh: the file's pages stay in the OS page cache (shared, reclaimable) and the process's RSS stays flat.
/// </summary>
internal sealed unsafe class MappedNpyFile : IDisposable
{
    /// <summary>Bytes reads may map between remaps: enough that remapping costs nothing measurable, small against any RSS budget.</summary>
    public const long RemapBytes = 32L << 20;

    // Linux maps up to 64 KiB of cached file pages around each fault (fault_around_bytes), so a random 1 KiB row read
    // can add 64 KiB to RSS, and a read that crosses a cluster's edge twice that: count each read as what it may map.
    private const int FaultAroundBytes = 64 << 10;

    private readonly long _remapBytes;

    private readonly MemoryMappedFile _file;
    private readonly ReaderWriterLockSlim _lock = new();
    private MemoryMappedViewAccessor _view;
    private byte* _data;
    private long _readSinceMap;

    public MappedNpyFile(string path, long remapBytes = RemapBytes)
    {
        _remapBytes = remapBytes;
        Path = path;
        Header = NpyHeader.Read(path);
        var needed = Header.DataOffset + Header.Shape[0] * Header.RowBytes;
        if (new FileInfo(path).Length < needed)
            throw new DataException($"{path} is truncated: its header promises {needed} bytes but the file has {new FileInfo(path).Length}.");
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = Map(out _data);
    }

    public string Path { get; }

    public NpyHeader Header { get; }

    public long Rows => Header.Shape[0];

    public void ReadRow(long row, Span<byte> destination)
    {
        var length = (int)Header.RowBytes;
        _lock.EnterReadLock();
        try
        {
            new ReadOnlySpan<byte>(_data + Header.DataOffset + row * length, length).CopyTo(destination);
        }
        finally
        {
            _lock.ExitReadLock();
        }
        if (Interlocked.Add(ref _readSinceMap, length + 2L * FaultAroundBytes) >= _remapBytes) Remap();
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
        _lock.Dispose();
    }

    private void Remap()
    {
        _lock.EnterWriteLock();
        try
        {
            // Another reader may have remapped while this one waited for the lock.
            if (Interlocked.Read(ref _readSinceMap) < _remapBytes) return;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _view = Map(out _data);
            Interlocked.Exchange(ref _readSinceMap, 0);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private MemoryMappedViewAccessor Map(out byte* data)
    {
        var view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        data = start + view.PointerOffset;
        return view;
    }
}
