namespace Lightning.Vision;

/// <summary>
/// The seed of one sample's random transforms, from the run's seed, the epoch and the sample's index only: whichever
/// thread reads the sample, and in whatever order, it gets the same crop and flip, and each epoch gets new ones.
/// </summary>
public static class SampleSeed
{
    /// <summary>A generator for sample <paramref name="index"/> in <paramref name="epoch"/> of a run seeded <paramref name="seed"/>.</summary>
    public static Random Random(long seed, int epoch, long index) => new(For(seed, epoch, index));

    /// <summary>The seed itself: a SplitMix64 mix of the three, so neighbouring indices get unrelated seeds.</summary>
    public static int For(long seed, int epoch, long index)
    {
        var x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)epoch * 0xC2B2AE3D27D4EB4FUL ^ (ulong)index);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return (int)((x ^ (x >> 31)) & int.MaxValue);
    }
}
