using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>
/// The sample order of one epoch: a permutation drawn from a generator seeded by the run's seed and the epoch, so it
/// never touches the global RNG and a resumed run sees the same order.
/// </summary>
public static class EpochPermutation
{
    /// <summary>The order of <paramref name="count"/> samples in the epoch of <paramref name="position"/>, as an int64 tensor on the CPU.</summary>
    public static Tensor Create(long count, LoaderPosition position)
    {
        using var generator = new Generator(GeneratorSeed(position));
        return randperm(count, dtype: ScalarType.Int64, generator: generator);
    }

    /// <summary>The generator seed for an epoch: distinct epochs and seeds give distinct, stable seeds.</summary>
    public static ulong GeneratorSeed(LoaderPosition position) =>
        unchecked((ulong)position.Seed * 1_000_003UL + (ulong)position.Epoch);
}
