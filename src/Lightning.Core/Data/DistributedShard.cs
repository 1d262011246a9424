using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>
/// One rank's share of an epoch, as torch's <c>DistributedSampler</c> (drop_last=False) takes it: the epoch's order
/// (identical on every rank) is padded by wrapping around to a multiple of the world size, and rank r takes positions
/// r, r + W, r + 2W ..., so every rank gets ceil(N / W) samples and runs the same number of batches.
/// </summary>
/// <param name="Rank">This rank, 0 to <paramref name="WorldSize"/> - 1.</param>
/// <param name="WorldSize">The number of ranks.</param>
public sealed record DistributedShard(int Rank, int WorldSize)
{
    /// <summary>Samples each rank gets from <paramref name="count"/>.</summary>
    public long SamplesOf(long count) => (count + WorldSize - 1) / WorldSize;

    /// <summary>
    /// This rank's sample indices, in order, as an int64 tensor on <paramref name="device"/>: taken from
    /// <paramref name="order"/> (the epoch's permutation) or, when null, from 0 .. <paramref name="count"/> - 1.
    /// </summary>
    public Tensor Indices(Tensor? order, long count, Device device)
    {
        using var positions = arange(Rank, SamplesOf(count) * WorldSize, WorldSize, ScalarType.Int64, device);
        // Wrapping pads with the epoch's first samples, as DistributedSampler repeats the head of its index list.
        using var wrapped = positions.remainder(count);
        return order is null ? wrapped.clone() : order.index_select(0, wrapped);
    }

    /// <summary>Checks the shard against the data before a loader takes it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rank is outside the world.</exception>
    internal void Check()
    {
        if (WorldSize < 1) throw new ArgumentOutOfRangeException(nameof(WorldSize), WorldSize, "The world size must be 1 or more.");
        if (Rank < 0 || Rank >= WorldSize) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, $"The rank must be from 0 to {WorldSize - 1}.");
    }
}
