namespace Lightning.Sweeps.Samplers;

/// <summary>
/// A random source per trial, derived from the sweep's seed and the trial number, so a sweep repeats exactly whatever
/// the order trials finish in, and in every process (HashCode.Combine is randomised per process, so it is not used).
/// </summary>
internal static class TrialRandom
{
    public static Random For(int seed, int trial, int stream = 0)
    {
        var mixed = Mix(Mix(Mix(0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed) ^ (ulong)(uint)trial) ^ (ulong)(uint)stream);
        return new Random((int)(mixed & int.MaxValue));
    }

    // SplitMix64's finaliser: every input bit affects every output bit.
    private static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
