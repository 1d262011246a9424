using System.Numerics;
using System.Runtime.InteropServices;

namespace Lightning.Core.Distributed;

/// <summary>Arithmetic on float32 buffers in host memory.</summary>
internal static unsafe class FloatBuffers
{
    /// <summary>Multiplies <paramref name="count"/> floats at <paramref name="buffer"/> by <paramref name="factor"/>, in place.</summary>
    public static void Scale(nint buffer, long count, float factor)
    {
        for (long done = 0; done < count; done += int.MaxValue)
        {
            var values = new Span<float>((float*)buffer + done, (int)Math.Min(int.MaxValue, count - done));
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (var i = 0; i < vectors.Length; i++) vectors[i] *= factor;
            for (var i = vectors.Length * Vector<float>.Count; i < values.Length; i++) values[i] *= factor;
        }
    }
}
