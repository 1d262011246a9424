namespace Lightning.Core.Data;

/// <summary>Where an epoch of batches starts: the epoch (which fixes the shuffle), the batches already done, and the run's seed.</summary>
/// <param name="Epoch">Zero-based epoch; each epoch has its own permutation.</param>
/// <param name="Skip">Batches to skip, so a resumed run continues mid-epoch.</param>
/// <param name="Seed">The run's seed; with <paramref name="Epoch"/> it fixes the order.</param>
public sealed record LoaderPosition(int Epoch, long Skip, long Seed)
{
    /// <summary>False when the trainer needs the unshuffled order (overfit_batches); loaders then ignore their shuffle option.</summary>
    public bool AllowShuffle { get; init; } = true;
}
