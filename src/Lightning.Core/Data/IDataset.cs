namespace Lightning.Core.Data;

/// <summary>A map-style data set: a count and random access by index (files, rows, records).</summary>
/// <typeparam name="TItem">One sample.</typeparam>
public interface IDataset<out TItem>
{
    /// <summary>Samples in the data set.</summary>
    long Count { get; }

    /// <summary>The sample at <paramref name="index"/>; called from the loader's background thread.</summary>
    TItem Get(long index);
}
