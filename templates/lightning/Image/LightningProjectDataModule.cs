using Lightning.Core.Data;
using Lightning.Vision;

namespace ProjectIdentifier;

/// <summary>
/// Reads a folder with one subfolder of images per class (classes sorted by name, like torchvision's ImageFolder) and
/// splits it into train, validation and test sets. Point <c>data.path</c> at your own folder; only the default path
/// gets a generated sample set.
/// </summary>
public sealed class ProjectIdentifierDataModule(DataOptions options) : LightningDataModule<TensorBatch>
{
    /// <summary>Classes the model tells apart (the sample set's shapes): the folder must have this many subfolders.</summary>
    public const int Classes = 3;

    private ImageFolderDataset? _train, _validation, _test;

    public override void PrepareData()
    {
        if (Directory.Exists(options.Path)) return;
        SampleData.Write(options.Path, options.GeneratedImages, options.ImageSize);
        Console.WriteLine($"No folder at {options.Path}: wrote a sample set of {options.GeneratedImages} images of " +
            $"{string.Join(", ", SampleData.Shapes)} there. Point data.path at your own image folder to train on your data.");
    }

    public override void Setup(Stage stage)
    {
        var folder = ImageFolder.Scan(options.Path);
        if (folder.Classes.Count != Classes)
            throw new DataException($"{options.Path} has {folder.Classes.Count} class folders ({string.Join(", ", folder.Classes)}); " +
                $"the model tells {Classes} apart. Change {nameof(ProjectIdentifierDataModule)}.{nameof(Classes)} or the folder.");
        // A fixed shuffle before the split: the folder lists images class by class.
        var order = Enumerable.Range(0, folder.Samples.Count).ToArray();
        new Random(0).Shuffle(order);
        var holdout = (int)(order.Length * options.ValidationFraction);
        if (options.ValidationFraction > 0 && (holdout == 0 || order.Length - 2 * holdout < 1))
            throw new DataException($"{options.Path} has {order.Length} images: too few to hold out {options.ValidationFraction} of them " +
                "for validation and test and train on the rest.");
        var resize = new ImageTransforms { Resize = ImageSize.Square(options.ImageSize), Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] };
        _train = Dataset(folder.Take(order[..^(2 * holdout)]), resize with { HorizontalFlip = 0.5 });
        _validation = Dataset(folder.Take(order[^(2 * holdout)..^holdout]), resize);
        _test = Dataset(folder.Take(order[^holdout..]), resize);
    }

    public override void Teardown(Stage stage)
    {
        // Said once, at the end: each bad file is counted once however many epochs met it.
        foreach (var report in new[] { _train, _validation, _test }.Select(d => d?.SkippedReport()).OfType<string>())
            Console.WriteLine(report);
    }

    public override IBatchLoader<TensorBatch> TrainLoader() => Loader(_train!, shuffle: true);

    public override IBatchLoader<TensorBatch> ValidationLoader() => Loader(_validation!, shuffle: false);

    public override IBatchLoader<TensorBatch> TestLoader() => Loader(_test!, shuffle: false);

    public override IBatchLoader<TensorBatch> PredictLoader() => Loader(_test!, shuffle: false);

    private ImageFolderDataset Dataset(ImageFolder folder, ImageTransforms transforms) =>
        new(folder, new ImageFolderDatasetOptions { Transforms = transforms, SkipBadSamples = options.SkipBadSamples });

    // Images are decoded on data.num_workers threads while the model trains on the previous batch; batches still come
    // in the seeded order, and each image's random flip depends on (seed, epoch, index) only, so resume stays exact.
    private PrefetchingLoader<ImageSample, TensorBatch> Loader(ImageFolderDataset dataset, bool shuffle) =>
        new(dataset, ImageCollate.ToBatch, new LoaderOptions
        {
            BatchSize = options.BatchSize, Shuffle = shuffle, NumWorkers = options.NumWorkers, PrefetchFactor = options.PrefetchFactor,
        });
}
