using Lightning.Core.Data;
using SkiaSharp;

namespace Lightning.Vision;

/// <summary>
/// Decodes image files with SkiaSharp. SkiaSharp rather than ImageSharp: ScottPlot (Lightning.Mlflow's plots) already
/// brings it, so there is one image library and one native Skia in an app; it is MIT-licensed and its decoders are
/// Chrome's (PNG, JPEG, WebP, BMP, GIF), while ImageSharp 2.1 is the last Apache release and has reported flaws with
/// crafted images. Every call opens its own codec, so threads may decode at once.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>The image at <paramref name="path"/> as unpremultiplied RGBA; a bad file is a <see cref="DataException"/>.</summary>
    public static SKBitmap Decode(string path)
    {
        try
        {
            using var codec = SKCodec.Create(path, out var opened)
                ?? throw Bad(path, opened == SKCodecResult.Success ? "not an image Skia can decode" : Describe(opened));
            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            var bitmap = new SKBitmap(info);
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result == SKCodecResult.Success) return bitmap;
            bitmap.Dispose();
            throw Bad(path, Describe(result));
        }
        catch (IOException error)
        {
            throw new DataException($"{path}: cannot be read ({error.Message}).", error);
        }
    }

    private static DataException Bad(string path, string why) =>
        new($"{path}: {why}. Replace or delete the file, or skip such files (data.skip_bad_samples: true).");

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput => "the image is truncated or corrupt",
        SKCodecResult.Unimplemented => "an image format or variant Skia cannot decode",
        _ => $"not a readable image ({result})",
    };
}
