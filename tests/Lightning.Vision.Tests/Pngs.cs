using SkiaSharp;

namespace Lightning.Vision.Tests;

/// <summary>Writes the small image folders the tests read: solid colours with one marked pixel, and broken files.</summary>
internal static class Pngs
{
    /// <summary>A <paramref name="width"/>×<paramref name="height"/> image of <paramref name="colour"/> with a white top-left pixel.</summary>
    public static void Write(string path, SKColor colour, int width = 4, int height = 3, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(colour);
        bitmap.SetPixel(0, 0, SKColors.White);
        using var file = File.Create(path);
        Assert.True(bitmap.Encode(file, format, 90));
    }

    /// <summary>A PNG whose red grows to the right and green downwards, so every crop and flip of it differs.</summary>
    public static void WriteGradient(string path, int side)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(side, side);
        for (var y = 0; y < side; y++)
            for (var x = 0; x < side; x++) bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / side), (byte)(y * 255 / side), 0));
        using var file = File.Create(path);
        Assert.True(bitmap.Encode(file, SKEncodedImageFormat.Png, 100));
    }

    /// <summary>A PNG cut after its first <paramref name="bytes"/> bytes, as an interrupted copy leaves it.</summary>
    public static void WriteTruncated(string path, int bytes = 60)
    {
        Write(path, SKColors.Blue, 16, 16);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..bytes]);
    }
}
