using System.Collections.Concurrent;
using Lightning.Core.Data;

namespace Lightning.Vision;

/// <summary>
/// A map-style data set of an <see cref="ImageFolder"/>: each read decodes one file and applies the transforms. Reads
/// share no mutable state but the set of skipped files, so a <see cref="PrefetchingLoader{TItem, TBatch}"/>'s workers may read
/// at once; each sample's random crop and flip come from its <see cref="SampleContext"/> (seed, epoch, index) alone.
/// </summary>
public sealed class ImageFolderDataset : IDataset<ImageSample>
{
    private readonly ImageFolderDatasetOptions _options;
    private readonly ConcurrentDictionary<string, string> _skipped = new(StringComparer.Ordinal);

    /// <summary>Reads the images of <paramref name="folder"/>.</summary>
    public ImageFolderDataset(ImageFolder folder, ImageFolderDatasetOptions? options = null)
    {
        _options = options ?? new ImageFolderDatasetOptions();
        _options.Transforms.Check();
        Folder = folder;
    }

    /// <summary>The images and their classes.</summary>
    public ImageFolder Folder { get; }

    /// <inheritdoc />
    public long Count => Folder.Samples.Count;

    /// <summary>Files skipped so far as unreadable (with <see cref="ImageFolderDatasetOptions.SkipBadSamples"/>), each once.</summary>
    public IReadOnlyCollection<string> SkippedFiles => _skipped.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The sample at <paramref name="index"/> with the random transforms of epoch 0 under seed 0 (loaders call the other).</summary>
    public ImageSample Get(long index) => Get(index, new SampleContext(index, 0, 0));

    /// <summary>The sample at <paramref name="index"/>, its random transforms drawn from <paramref name="context"/>'s generator.</summary>
    public ImageSample Get(long index, SampleContext context) => Read(index, context.CreateRandom());

    /// <inheritdoc />
    public string? SourceOf(long index) => index >= 0 && index < Count ? Folder.Samples[(int)index].Path : null;

    private ImageSample Read(long index, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        DataException? first = null;
        // A bad file is replaced by the next readable one, so batches keep their size and a sample's replacement
        // depends only on its index, not on which thread met the bad file first.
        for (var attempt = 0L; attempt < (_options.SkipBadSamples ? Count : 1); attempt++)
        {
            var file = Folder.Samples[(int)((index + attempt) % Count)];
            try
            {
                using var decoded = ImageDecoder.Decode(file.Path);
                return ImagePipeline.Apply(decoded, _options.Transforms, file.Label, random);
            }
            catch (DataException error) when (_options.SkipBadSamples)
            {
                first ??= error;
                _skipped.TryAdd(file.Path, error.Message);
            }
        }
        throw new DataException($"No image under {Path.GetFullPath(Folder.Root)} could be read; the first failure: {first!.Message}", first);
    }

    /// <summary>
    /// One line for the user when files were skipped, naming the first few; null when none were. Print it once (at the
    /// end of an epoch or of the run): each skipped file is counted once however often it was met.
    /// </summary>
    public string? SkippedReport()
    {
        var skipped = SkippedFiles;
        if (skipped.Count == 0) return null;
        return $"Warning: skipped {skipped.Count} unreadable image(s) under {Path.GetFullPath(Folder.Root)}, each replaced by the next " +
            $"readable one: {string.Join(", ", skipped.Take(3))}{(skipped.Count > 3 ? ", ..." : "")}. Replace or delete them.";
    }
}
