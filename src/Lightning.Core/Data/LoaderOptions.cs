namespace Lightning.Core.Data;

/// <summary>How a loader cuts an epoch into batches.</summary>
public sealed record LoaderOptions
{
    /// <summary>Samples per batch. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Draw a new permutation each epoch (seeded by the run's seed and the epoch). Default false.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Drop the last batch when it is smaller than <see cref="BatchSize"/>. Default false.</summary>
    public bool DropLast { get; init; }

    internal long BatchesFor(long samples)
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be 1 or more.");
        return DropLast ? samples / BatchSize : (samples + BatchSize - 1) / BatchSize;
    }
}
