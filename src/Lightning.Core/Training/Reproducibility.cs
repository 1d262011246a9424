using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// Seeds every generator a run draws from, like Lightning's <c>seed_everything</c>. Call it before the module is built,
/// so weight initialisation is reproducible too; a trainer whose options set no seed uses this one.
/// </summary>
public static class Reproducibility
{
    /// <summary>The seed set by <see cref="SeedEverything"/>, or null.</summary>
    public static long? GlobalSeed { get; private set; }

    /// <summary>Seeds torch's CPU and CUDA generators with <paramref name="seed"/> and returns it.</summary>
    public static long SeedEverything(long seed)
    {
        random.manual_seed(seed);
        if (cuda.is_available()) cuda.manual_seed_all(seed);
        GlobalSeed = seed;
        return seed;
    }
}
