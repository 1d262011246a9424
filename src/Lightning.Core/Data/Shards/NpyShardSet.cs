using static TorchSharp.torch;

namespace Lightning.Core.Data.Shards;

/// <summary>Several <c>.npy</c> shards read as one array along the first dimension, each memory-mapped.</summary>
public sealed class NpyShardSet : IDisposable
{
    private readonly MappedNpyFile[] _files;
    private readonly long[] _starts;

    /// <summary>Maps <paramref name="paths"/>, in order; they must agree on element type and row shape.</summary>
    /// <exception cref="DataException">A file is missing, not an .npy file, truncated, or does not match the first.</exception>
    public NpyShardSet(IReadOnlyList<string> paths) : this(paths, MappedNpyFile.TrimBytes) { }

    // Tests trim after every read, to read across many trims without writing a large file.
    internal NpyShardSet(IReadOnlyList<string> paths, long trimBytes)
    {
        if (paths.Count == 0) throw new DataException("No shard files were given.");
        foreach (var path in paths)
            if (!File.Exists(path)) throw new DataException($"No such shard file: {System.IO.Path.GetFullPath(path)}.");
        _files = new MappedNpyFile[paths.Count];
        try
        {
            for (var i = 0; i < paths.Count; i++) _files[i] = new MappedNpyFile(paths[i], trimBytes);
        }
        catch
        {
            foreach (var file in _files) file?.Dispose();
            throw;
        }
        var first = _files[0].Header;
        foreach (var file in _files.Skip(1))
            if (file.Header.ElementType != first.ElementType || !file.Header.Shape.Skip(1).SequenceEqual(first.Shape.Skip(1)))
            {
                Dispose();
                throw new DataException($"{file.Path} holds {Describe(file.Header)} rows but {_files[0].Path} holds {Describe(first)}; " +
                    "every shard of a set must match.");
            }
        _starts = new long[_files.Length + 1];
        for (var i = 0; i < _files.Length; i++) _starts[i + 1] = _starts[i] + _files[i].Rows;
    }

    /// <summary>Rows in all shards together.</summary>
    public long Count => _starts[^1];

    /// <summary>The element type (float32 or int64).</summary>
    public ScalarType ElementType => _files[0].Header.ElementType;

    /// <summary>The shape of one row (the dimensions after the first).</summary>
    public long[] RowShape => _files[0].Header.Shape[1..];

    /// <summary>Bytes of one row.</summary>
    public int RowBytes => (int)_files[0].Header.RowBytes;

    /// <summary>Copies row <paramref name="index"/> (across all shards) into <paramref name="destination"/>.</summary>
    public void ReadRow(long index, Span<byte> destination)
    {
        var file = Locate(index);
        _files[file].ReadRow(index - _starts[file], destination);
    }

    /// <summary>The shard file that holds row <paramref name="index"/>.</summary>
    public string SourceOf(long index) => _files[Locate(index)].Path;

    /// <summary>Unmaps every shard.</summary>
    public void Dispose()
    {
        foreach (var file in _files) file?.Dispose();
    }

    private int Locate(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var found = Array.BinarySearch(_starts, index);
        // An exact hit is a shard's first row; otherwise the complement points past the shard that holds it. Empty shards share starts.
        var file = found >= 0 ? found : ~found - 1;
        while (_files[file].Rows == 0) file++;
        return file;
    }

    private static string Describe(NpyHeader header) => $"{header.ElementType} [{string.Join(", ", header.Shape.Skip(1))}]";
}
