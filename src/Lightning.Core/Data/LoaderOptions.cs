namespace Lightning.Core.Data;

/// <summary>How a loader cuts an epoch into batches, and how many threads prepare them.</summary>
public sealed record LoaderOptions
{
    /// <summary>Samples per batch. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Draw a new permutation each epoch (seeded by the run's seed and the epoch). Default false.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Drop the last batch when it is smaller than <see cref="BatchSize"/>. Default false.</summary>
    public bool DropLast { get; init; }

    /// <summary>
    /// Threads that read and collate batches (loaders over a data set or a stream; the in-memory <see cref="TensorLoader"/>
    /// needs none). 0 reads on the training thread. Default <see cref="DefaultWorkers"/>.
    /// </summary>
    public int NumWorkers { get; init; } = DefaultWorkers;

    /// <summary>Batches each worker may have ready ahead of the training step (so workers × this are in memory). Default 2.</summary>
    public int PrefetchFactor { get; init; } = 2;

    /// <summary>
    /// Half the cores, from 1 to 8: the other half stays with the training step's own torch threads, and past 8 decoding
    /// threads mostly wait on the disk or on the step.
    /// </summary>
    public static int DefaultWorkers => Math.Clamp(Environment.ProcessorCount / 2, 1, 8);

    internal long BatchesFor(long samples)
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be 1 or more.");
        return DropLast ? samples / BatchSize : (samples + BatchSize - 1) / BatchSize;
    }

    internal void CheckWorkers()
    {
        if (NumWorkers < 0)
            throw new ArgumentOutOfRangeException(nameof(NumWorkers), NumWorkers, "Workers must be 0 (the training thread) or more.");
        if (PrefetchFactor < 1)
            throw new ArgumentOutOfRangeException(nameof(PrefetchFactor), PrefetchFactor, "The prefetch factor must be 1 or more.");
    }
}
