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
        // One managed buffer and one tensor per batch: a tensor per sample would cost a native allocation each.
        var pixels = new float[samples.Count * size];
        var labels = new long[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (sample.Channels != channels || sample.Height != height || sample.Width != width)
                throw new DataException($"Images of one batch differ in size ({width}×{height} and {sample.Width}×{sample.Height}): " +
                    "set a resize (or a random crop) so every image comes out the same size.");
            sample.Pixels.CopyTo(pixels, i * size);
            labels[i] = sample.Label;
        }
        return new TensorBatch(tensor(pixels, [samples.Count, channels, height, width]), tensor(labels));
    }
}
