namespace Lightning.Core.Data;

/// <summary>Yields the batches of one epoch in a reproducible order, so a run can resume at any batch.</summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
public interface IBatchLoader<out TBatch>
{
    /// <summary>Batches in one full epoch.</summary>
    long BatchesPerEpoch { get; }

    /// <summary>Batches of the epoch in <paramref name="position"/>, starting after its skipped batches.</summary>
    IEnumerable<TBatch> Iterate(LoaderPosition position);
}
