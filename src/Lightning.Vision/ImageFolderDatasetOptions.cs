namespace Lightning.Vision;

/// <summary>How an <see cref="ImageFolderDataset"/> reads: its transforms and what to do with bad files.</summary>
public sealed record ImageFolderDatasetOptions
{
    /// <summary>What happens to each decoded image.</summary>
    public ImageTransforms Transforms { get; init; } = new();

    /// <summary>
    /// Replace an unreadable or truncated image by the next readable one in folder order and count it, instead of
    /// stopping with an error that names it (<c>data.skip_bad_samples</c>). Default false.
    /// </summary>
    public bool SkipBadSamples { get; init; }
}
