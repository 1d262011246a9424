using System.Numerics;
using System.Runtime.InteropServices;

namespace Lightning.Core.Distributed;

/// <summary>Arithmetic on float32 and float64 buffers in host memory.</summary>
internal static unsafe class FloatBuffers
{
    /// <summary>Multiplies <paramref name="count"/> values at <paramref name="buffer"/> by <paramref name="factor"/>, in place.</summary>
    public static void Scale<T>(nint buffer, long count, T factor) where T : unmanaged, INumber<T>
    {
        for (long done = 0; done < count; done += int.MaxValue)
        {
            var values = new Span<T>((T*)buffer + done, (int)Math.Min(int.MaxValue, count - done));
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            for (var i = 0; i < vectors.Length; i++) vectors[i] *= factor;
            for (var i = vectors.Length * Vector<T>.Count; i < values.Length; i++) values[i] *= factor;
        }
    }
}
