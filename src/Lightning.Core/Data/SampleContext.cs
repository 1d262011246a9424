using TorchSharp;

namespace Lightning.Core.Data;

/// <summary>
/// Where one sample is read: its index in the data set, the epoch and the run's seed. Per-sample randomness
/// (augmentations) must come from <see cref="CreateRandom"/> or <see cref="CreateGenerator"/>: they depend on these three
/// only, never on which worker thread reads the sample or when, so batches are the same for any worker count and resume.
/// </summary>
/// <param name="Index">The sample's index in the data set.</param>
/// <param name="Epoch">Zero-based epoch.</param>
/// <param name="Seed">The run's seed.</param>
public readonly record struct SampleContext(long Index, int Epoch, long Seed)
{
    /// <summary>A 64-bit seed mixed from (seed, epoch, index): neighbouring samples and epochs get unrelated streams.</summary>
    public ulong RandomSeed
    {
        get
        {
            var mixed = Mix(unchecked((ulong)Seed));
            mixed = Mix(mixed ^ unchecked((ulong)Epoch));
            return Mix(mixed ^ unchecked((ulong)Index));
        }
    }

    /// <summary>A new .NET generator for this sample (seeded, so its draws are the same on every run).</summary>
    public Random CreateRandom() => new(unchecked((int)(RandomSeed ^ (RandomSeed >> 32))));

    /// <summary>A new torch generator for this sample, for tensor ops that take one (<c>rand</c>, <c>randint</c>); dispose it.</summary>
    public torch.Generator CreateGenerator() => new(RandomSeed);

    // SplitMix64's finaliser: a bijection with full avalanche, so (seed, epoch, index) that differ by one bit look unrelated.
    private static ulong Mix(ulong value)
    {
        unchecked
        {
            value += 0x9E3779B97F4A7C15UL;
            value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
            value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
            return value ^ (value >> 31);
        }
    }
}
