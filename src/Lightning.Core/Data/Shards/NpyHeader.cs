using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Lightning.Core.Data.Shards;

/// <summary>The header of a NumPy <c>.npy</c> file (format 1.0 to 3.0): element type, shape and where the data starts.</summary>
/// <param name="ElementType">float32 (<c>&lt;f4</c>) or int64 (<c>&lt;i8</c>), little-endian.</param>
/// <param name="Shape">The array's shape; the first dimension counts rows (samples).</param>
/// <param name="DataOffset">Byte offset of the first element.</param>
public sealed partial record NpyHeader(ScalarType ElementType, long[] Shape, long DataOffset)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Bytes of one row: the product of the dimensions after the first, times the element size.</summary>
    public long RowBytes => Shape.Skip(1).Aggregate(1L, (product, size) => product * size) * ElementSize(ElementType);

    /// <summary>Reads the header of <paramref name="path"/>.</summary>
    /// <exception cref="DataException">Not an .npy file, or one this reader does not take (type, Fortran order).</exception>
    public static NpyHeader Read(string path)
    {
        using var stream = File.OpenRead(path);
        var prefix = new byte[12];
        if (stream.ReadAtLeast(prefix, 10, throwOnEndOfStream: false) < 10 || !prefix.AsSpan(0, 6).SequenceEqual(Magic))
            throw new DataException($"{path} is not a NumPy .npy file (it does not start with the .npy magic bytes).");
        var wide = prefix[6] >= 2;
        var length = wide ? (int)BitConverter.ToUInt32(prefix, 8) : BitConverter.ToUInt16(prefix, 8);
        var start = wide ? 12 : 10;
        var text = new byte[length];
        stream.Position = start;
        stream.ReadExactly(text);
        var header = Encoding.Latin1.GetString(text);
        var descr = Descr().Match(header);
        var shape = ShapeText().Match(header);
        if (!descr.Success || !shape.Success)
            throw new DataException($"{path} has an .npy header without 'descr' or 'shape': {header.Trim()}");
        if (FortranOrder().IsMatch(header))
            throw new DataException($"{path} is in Fortran order; save it in C order (numpy.ascontiguousarray) to read it by rows.");
        var type = descr.Groups[1].Value switch
        {
            "<f4" => ScalarType.Float32,
            "<i8" => ScalarType.Int64,
            var other => throw new DataException($"{path} holds '{other}' elements; shards must be float32 ('<f4') or int64 ('<i8')."),
        };
        var dimensions = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        if (dimensions.Length == 0) throw new DataException($"{path} holds a scalar; a shard needs a first dimension of samples.");
        return new NpyHeader(type, dimensions, start + length);
    }

    /// <summary>The header bytes for an array of <paramref name="type"/> and <paramref name="shape"/> (format 1.0, 64-byte aligned).</summary>
    public static byte[] Encode(ScalarType type, IReadOnlyList<long> shape)
    {
        var descr = type switch
        {
            ScalarType.Float32 => "<f4",
            ScalarType.Int64 => "<i8",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Shards are float32 or int64."),
        };
        var dimensions = shape.Count == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var dictionary = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dimensions}), }}";
        // NumPy pads with spaces and ends with a line break so the data starts at a multiple of 64 bytes.
        var padded = dictionary.PadRight((10 + dictionary.Length + 1 + 63) / 64 * 64 - 10 - 1) + "\n";
        var bytes = new byte[10 + padded.Length];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        BitConverter.TryWriteBytes(bytes.AsSpan(8), (ushort)padded.Length);
        Encoding.Latin1.GetBytes(padded).CopyTo(bytes, 10);
        return bytes;
    }

    internal static int ElementSize(ScalarType type) => type == ScalarType.Float32 ? 4 : 8;

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeText();

    [GeneratedRegex(@"'fortran_order'\s*:\s*True")]
    private static partial Regex FortranOrder();
}
