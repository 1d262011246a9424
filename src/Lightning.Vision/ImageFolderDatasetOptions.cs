namespace Lightning.Vision;

/// <summary>How an <see cref="ImageFolderDataset"/> reads: its transforms, the seed of their randomness, bad files.</summary>
public sealed record ImageFolderDatasetOptions
{
    /// <summary>What happens to each decoded image.</summary>
    public ImageTransforms Transforms { get; init; } = new();

    /// <summary>The run's seed; with the epoch and the index it fixes each sample's random crop and flip.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Replace an unreadable or truncated image by the next readable one in folder order and count it, instead of
    /// stopping with an error that names it (<c>data.skip_bad_samples</c>). Default false.
    /// </summary>
    public bool SkipBadSamples { get; init; }
}
