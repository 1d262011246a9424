using Lightning.Core.Data;
using SkiaSharp;

namespace Lightning.Vision.Tests;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lightning-images-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Scan_SortsClassesOrdinallyAndReadsEveryFormat()
    {
        Pngs.Write(Path.Combine(_root, "b", "1.png"), SKColors.Red);
        Pngs.Write(Path.Combine(_root, "a", "1.jpg"), SKColors.Green, format: SKEncodedImageFormat.Jpeg);
        Pngs.Write(Path.Combine(_root, "a", "2.webp"), SKColors.Green, format: SKEncodedImageFormat.Webp);
        Pngs.Write(Path.Combine(_root, "B", "1.png"), SKColors.Red);
        File.WriteAllText(Path.Combine(_root, "a", "notes.txt"), "not an image");

        var folder = ImageFolder.Scan(_root);

        Assert.Equal(["B", "a", "b"], folder.Classes);
        Assert.Equal([0L, 1, 1, 2], folder.Samples.Select(s => s.Label));
        var dataset = new ImageFolderDataset(folder);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(3 * 3 * 4, dataset.Get(i).Pixels.Length));
    }

    [Fact]
    public void Get_GivesNormalisedChwPixels()
    {
        Pngs.Write(Path.Combine(_root, "red", "1.png"), SKColors.Red);
        var transforms = new ImageTransforms { Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] };
        var sample = new ImageFolderDataset(ImageFolder.Scan(_root), new() { Transforms = transforms }).Get(0);

        Assert.Equal((3, 3, 4), (sample.Channels, sample.Height, sample.Width));
        // The red plane, then green: (1 - 0.5) / 0.5 = 1 and (0 - 0.5) / 0.5 = -1; the white top-left pixel is 1 everywhere.
        Assert.Equal([1f, 1f, 1f, 1f], sample.Pixels[..4]);
        Assert.Equal([1f, -1f, -1f, -1f], sample.Pixels[12..16]);
    }

    [Fact]
    public void FlipAndCrop_DependOnlyOnTheSampleSeed()
    {
        Pngs.WriteGradient(Path.Combine(_root, "ramp", "1.png"), 8);
        var transforms = new ImageTransforms { Resize = ImageSize.Square(6), RandomCrop = ImageSize.Square(4), HorizontalFlip = 0.5 };
        var dataset = new ImageFolderDataset(ImageFolder.Scan(_root), new() { Transforms = transforms });

        var epochs = Enumerable.Range(0, 8).Select(e => dataset.Get(0, new SampleContext(0, e, 7)).Pixels).ToList();

        Assert.Equal(epochs[3], dataset.Get(0, new SampleContext(0, 3, 7)).Pixels);
        Assert.True(epochs.Distinct(new PixelComparer()).Count() > 1, "every epoch cropped and flipped alike");
        using var batch = ImageCollate.ToBatch([dataset.Get(0), dataset.Get(0)]);
        Assert.Equal([2L, 3, 4, 4], batch.Input.shape);
        Assert.Equal([0L, 0], batch.Target.data<long>().ToArray());
    }

    [Fact]
    public void TruncatedImage_IsNamedByPath()
    {
        Pngs.Write(Path.Combine(_root, "cat", "good.png"), SKColors.Red);
        var bad = Path.Combine(_root, "cat", "broken.png");
        Pngs.WriteTruncated(bad);
        var dataset = new ImageFolderDataset(ImageFolder.Scan(_root));

        var error = Assert.Throws<DataException>(() => dataset.Get(0));

        Assert.StartsWith(bad + ": the image is truncated or corrupt.", error.Message);
        Assert.Contains("data.skip_bad_samples", error.Message);
    }

    [Fact]
    public void TruncatedImage_ReadByLoaderWorkers_IsNamedOnceWithItsSampleIndex()
    {
        var bad = Path.Combine(_root, "cat", "broken.png");
        Pngs.WriteTruncated(bad);
        var dataset = new ImageFolderDataset(ImageFolder.Scan(_root));
        var loader = new PrefetchingLoader<ImageSample, TensorBatch>(dataset, ImageCollate.ToBatch,
            new LoaderOptions { BatchSize = 1, NumWorkers = 2 });

        var error = Assert.Throws<DataException>(() => loader.Iterate(new LoaderPosition(0, 0, 1)).First().Dispose());

        Assert.StartsWith($"ImageFolderDataset could not read sample 0: {bad}: the image is truncated or corrupt.", error.Message);
        Assert.Single(error.Message.Split(bad).Skip(1));
    }

    [Fact]
    public void SkipBadSamples_ReplacesBadFilesAndCountsEachOnce()
    {
        Pngs.Write(Path.Combine(_root, "cat", "a.png"), SKColors.Red);
        Pngs.WriteTruncated(Path.Combine(_root, "cat", "b.png"));
        Directory.CreateDirectory(Path.Combine(_root, "dog"));
        File.WriteAllText(Path.Combine(_root, "dog", "c.png"), "not a png");
        Pngs.Write(Path.Combine(_root, "dog", "d.png"), SKColors.Green);
        var dataset = new ImageFolderDataset(ImageFolder.Scan(_root), new() { SkipBadSamples = true });
        Assert.Null(dataset.SkippedReport());

        var labels = Enumerable.Range(0, 2).SelectMany(_ => Enumerable.Range(0, 4).Select(i => dataset.Get(i).Label)).ToList();

        // b.png (cat) and c.png (dog) are each replaced by the next readable image, d.png (dog).
        Assert.Equal([0L, 1, 1, 1, 0, 1, 1, 1], labels);
        Assert.Equal(2, dataset.SkippedFiles.Count);
        Assert.StartsWith("Warning: skipped 2 unreadable image(s)", dataset.SkippedReport());
        Assert.Contains(Path.Combine(_root, "cat", "b.png"), dataset.SkippedReport());
    }

    private sealed class PixelComparer : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? x, float[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(float[] pixels) => pixels.Length;
    }
}
