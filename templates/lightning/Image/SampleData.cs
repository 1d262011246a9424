using SkiaSharp;

namespace ProjectIdentifier;

/// <summary>Writes the sample image set: circles, squares and triangles in random colours, sizes and places, one folder per shape.</summary>
public static class SampleData
{
    /// <summary>The classes, one folder each; the data module's Classes is their count.</summary>
    public static readonly string[] Shapes = ["circle", "square", "triangle"];

    public static void Write(string folder, int images, int size)
    {
        var random = new Random(1234);
        // Written aside and renamed into place: sweep trials starting together may all generate it, and none may
        // read a half-written folder.
        var partial = $"{folder}.{Environment.ProcessId}.partial";
        for (var i = 0; i < images; i++)
        {
            var shape = Shapes[i % Shapes.Length];
            Directory.CreateDirectory(Path.Combine(partial, shape));
            using var bitmap = new SKBitmap(size, size);
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(RandomColour(random, 0, 90));
                using var paint = new SKPaint { Color = RandomColour(random, 120, 256), IsAntialias = true };
                var radius = size * (0.2f + 0.15f * random.NextSingle());
                var x = radius + random.NextSingle() * (size - 2 * radius);
                var y = radius + random.NextSingle() * (size - 2 * radius);
                Draw(canvas, shape, x, y, radius, paint);
            }
            using var file = File.Create(Path.Combine(partial, shape, $"{i:D5}.png"));
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        }
        if (Directory.Exists(folder)) Directory.Delete(partial, recursive: true);
        else Directory.Move(partial, folder);
    }

    private static void Draw(SKCanvas canvas, string shape, float x, float y, float radius, SKPaint paint)
    {
        switch (shape)
        {
            case "circle":
                canvas.DrawCircle(x, y, radius, paint);
                break;
            case "square":
                canvas.DrawRect(x - radius, y - radius, 2 * radius, 2 * radius, paint);
                break;
            default:
                using (var path = new SKPath())
                {
                    path.MoveTo(x, y - radius);
                    path.LineTo(x + radius, y + radius);
                    path.LineTo(x - radius, y + radius);
                    path.Close();
                    canvas.DrawPath(path, paint);
                }
                break;
        }
    }

    // Channels drawn from [low, high): dark backgrounds and bright shapes keep every shape visible.
    private static SKColor RandomColour(Random random, int low, int high) =>
        new((byte)random.Next(low, high), (byte)random.Next(low, high), (byte)random.Next(low, high));
}
