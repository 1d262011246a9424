using System.Diagnostics;
using System.Globalization;
using Lightning.Core.Data;
using Lightning.Vision;
using SkiaSharp;

namespace Lightning.Benchmarks;

/// <summary>
/// Image loading figures: samples per second through decode + augment (random crop, flip, normalise) + collate of
/// 64×64 PNGs written here, through a <see cref="PrefetchingLoader{TItem, TBatch}"/> with one and with two workers, and
/// their ratio.
/// </summary>
public static class ImageDataBenchmarks
{
    // 32 batches an epoch: with 8, filling and draining the workers' pipeline weighed on the two-worker figure.
    private const int Images = 2048;
    private const int BatchSize = 64;
    private const int Repeats = 15;

    public static void Run(BenchReport report)
    {
        var root = Directory.CreateTempSubdirectory("lightning-bench-images-").FullName;
        try
        {
            WriteImages(root);
            var transforms = ImageTransforms.ImageNet with { RandomCrop = ImageSize.Square(56), HorizontalFlip = 0.5 };
            var dataset = new ImageFolderDataset(ImageFolder.Scan(root), new() { Transforms = transforms });
            report.Note($"{Images} PNGs of 64x64, random crop 56, flip, ImageNet normalisation, batch {BatchSize}; " +
                $"{Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}");
            Epoch(dataset, 1, 0);
            Epoch(dataset, 2, 0);
            var (one, two, ratios) = (new List<double>(), new List<double>(), new List<double>());
            for (var repeat = 0; repeat < Repeats; repeat++)
            {
                // Taking turns at going first, so drift in machine load hits both alike; the median drops disturbed repeats.
                var first = repeat % 2 == 0 ? 1 : 2;
                var a = Epoch(dataset, first, repeat);
                var b = Epoch(dataset, 3 - first, repeat);
                var (w1, w2) = first == 1 ? (a, b) : (b, a);
                one.Add(w1);
                two.Add(w2);
                ratios.Add(w2 / w1);
            }
            report.Note("scaling per repeat: " + string.Join(", ", ratios.Select(r => r.ToString("F3", CultureInfo.InvariantCulture))));
            report.Figure("image_samples_per_s_w1", BenchReport.Median(one));
            report.Figure("image_samples_per_s_w2", BenchReport.Median(two));
            report.Figure("image_worker_scaling", BenchReport.Median(ratios));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // Samples per second over one epoch read by `workers` loader workers (the batches are what a training step would get).
    private static double Epoch(ImageFolderDataset dataset, int workers, int epoch)
    {
        var loader = new PrefetchingLoader<ImageSample, TensorBatch>(dataset, ImageCollate.ToBatch,
            new LoaderOptions { BatchSize = BatchSize, Shuffle = true, NumWorkers = workers });
        BenchReport.Settle();
        var watch = Stopwatch.StartNew();
        foreach (var batch in loader.Iterate(new LoaderPosition(epoch, 0, 1))) batch.Dispose();
        return dataset.Count / watch.Elapsed.TotalSeconds;
    }

    // Smooth colour fields with noise, so the PNGs compress and decode like photographs rather than flat colour.
    private static void WriteImages(string root)
    {
        var random = new Random(7);
        for (var i = 0; i < Images; i++)
        {
            var folder = Path.Combine(root, $"class{i % 2}");
            Directory.CreateDirectory(folder);
            using var bitmap = new SKBitmap(64, 64);
            var (r, g, b) = (random.Next(256), random.Next(256), random.Next(256));
            for (var y = 0; y < 64; y++)
                for (var x = 0; x < 64; x++)
                    bitmap.SetPixel(x, y, new SKColor((byte)((r + 2 * x + random.Next(16)) % 256), (byte)((g + 2 * y + random.Next(16)) % 256),
                        (byte)((b + x + y) % 256)));
            using var file = File.Create(Path.Combine(folder, $"{i:D4}.png"));
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        }
    }
}
