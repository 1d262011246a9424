using SkiaSharp;

namespace Lightning.Vision;

/// <summary>Runs <see cref="ImageTransforms"/> on one decoded image: resize with Skia, then crop, flip and normalise in one pass.</summary>
internal static class ImagePipeline
{
    public static ImageSample Apply(SKBitmap decoded, ImageTransforms transforms, long label, Random random)
    {
        using var resized = transforms.Resize is { } size && (size.Width != decoded.Width || size.Height != decoded.Height)
            ? decoded.Resize(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
                new SKSamplingOptions(SKFilterMode.Linear))
            : null;
        var image = resized ?? decoded;
        var (width, height) = (image.Width, image.Height);
        var crop = transforms.RandomCrop ?? new ImageSize(width, height);
        if (crop.Width > width || crop.Height > height)
            throw new Core.Data.DataException($"A random crop of {crop.Width}×{crop.Height} does not fit an image of {width}×{height}: " +
                "resize the images to at least the crop size first.");
        // Always drawn in this order, so a sample's crop and flip depend only on its generator.
        var left = random.Next(width - crop.Width + 1);
        var top = random.Next(height - crop.Height + 1);
        var flip = random.NextDouble() < transforms.HorizontalFlip;

        var pixels = new float[3 * crop.Height * crop.Width];
        var rgba = image.GetPixelSpan();
        var plane = crop.Height * crop.Width;
        Span<float> scale = stackalloc float[3];
        Span<float> shift = stackalloc float[3];
        for (var c = 0; c < 3; c++)
        {
            // (v / 255 - mean) / std folded into one multiply-add per value.
            scale[c] = 1f / (255f * transforms.Std[c]);
            shift[c] = -transforms.Mean[c] / transforms.Std[c];
        }
        for (var y = 0; y < crop.Height; y++)
        {
            var row = (top + y) * image.RowBytes;
            for (var x = 0; x < crop.Width; x++)
            {
                var source = row + 4 * (left + (flip ? crop.Width - 1 - x : x));
                var target = y * crop.Width + x;
                pixels[target] = rgba[source] * scale[0] + shift[0];
                pixels[plane + target] = rgba[source + 1] * scale[1] + shift[1];
                pixels[2 * plane + target] = rgba[source + 2] * scale[2] + shift[2];
            }
        }
        return new ImageSample(pixels, 3, crop.Height, crop.Width, label);
    }
}
