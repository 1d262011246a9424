namespace Lightning.Core.Data;

/// <summary>
/// A map-style data set: a count and random access by index (files, rows, records). A loader with workers calls it from
/// several threads at once, so reads must be thread-safe (read-only state, or a lock around what is shared).
/// </summary>
/// <typeparam name="TItem">One sample.</typeparam>
public interface IDataset<out TItem>
{
    /// <summary>Samples in the data set.</summary>
    long Count { get; }

    /// <summary>The sample at <paramref name="index"/>; called from the loader's worker threads.</summary>
    TItem Get(long index);

    /// <summary>
    /// The sample at <paramref name="index"/> for one epoch. Implement it instead of <see cref="Get(long)"/> when a sample
    /// is random (augmentations): draw from <paramref name="context"/>'s generators only. By default it calls <see cref="Get(long)"/>.
    /// </summary>
    TItem Get(long index, SampleContext context) => Get(index);

    /// <summary>The file (or other source) sample <paramref name="index"/> comes from, for error messages; null when there is none.</summary>
    string? SourceOf(long index) => null;
}
