using System.Runtime.InteropServices;
using Lightning.Core.Data;
using static TorchSharp.torch;

namespace Lightning.Vision;

/// <summary>Stacks <see cref="ImageSample"/>s into a <see cref="TensorBatch"/>: float32 images [N, C, H, W] and int64 labels [N].</summary>
public static class ImageCollate
{
    /// <summary>The batch of <paramref name="samples"/>, which must all have one size (resize or crop them to one).</summary>
    public static TensorBatch ToBatch(IReadOnlyList<ImageSample> samples)
    {
        ArgumentOutOfRangeException.ThrowIfZero(samples.Count);
        var (channels, height, width) = (samples[0].Channels, samples[0].Height, samples[0].Width);
        var size = channels * height * width;
        foreach (var sample in samples)
            if (sample.Channels != channels || sample.Height != height || sample.Width != width)
                throw new DataException($"Images of one batch differ in size ({width}×{height} and {sample.Width}×{sample.Height}): " +
                    "set a resize (or a random crop) so every image comes out the same size.");
        // Samples are copied straight into the batch tensor's storage: a managed staging array of the whole batch
        // (megabytes, on the large-object heap) made the workers wait on each other in garbage collections.
        var images = empty([samples.Count, channels, height, width], ScalarType.Float32);
        var pixels = MemoryMarshal.Cast<byte, float>(images.bytes);
        var labels = new long[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            samples[i].Pixels.AsSpan().CopyTo(pixels.Slice(i * size, size));
            labels[i] = samples[i].Label;
        }
        return new TensorBatch(images, tensor(labels));
    }
}
