using static TorchSharp.torch;

namespace Lightning.Core.Data.Shards;

/// <summary>Writes a float32 or int64 <c>.npy</c> file row block by row block, so a shard larger than memory can be written.</summary>
public sealed class NpyWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly long _expected;
    private long _written;

    /// <summary>Creates <paramref name="path"/> for an array of <paramref name="type"/> and <paramref name="shape"/>.</summary>
    public NpyWriter(string path, ScalarType type, params long[] shape)
    {
        var header = NpyHeader.Encode(type, shape);
        _stream = File.Create(path);
        _stream.Write(header);
        _expected = shape.Aggregate(1L, (product, size) => product * size) * NpyHeader.ElementSize(type);
    }

    /// <summary>Appends elements in C order.</summary>
    public void Append<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values);
        _written += bytes.Length;
        _stream.Write(bytes);
    }

    /// <summary>Writes a whole array at once.</summary>
    public static void Write<T>(string path, ReadOnlySpan<T> values, params long[] shape) where T : unmanaged
    {
        using var writer = new NpyWriter(path, typeof(T) == typeof(float) ? ScalarType.Float32 : ScalarType.Int64, shape);
        writer.Append(values);
    }

    /// <summary>Closes the file.</summary>
    /// <exception cref="InvalidOperationException">Fewer or more bytes were appended than the shape holds.</exception>
    public void Dispose()
    {
        _stream.Dispose();
        if (_written != _expected)
            throw new InvalidOperationException($"{_stream.Name}: {_written} bytes were appended but the shape holds {_expected}.");
    }
}
