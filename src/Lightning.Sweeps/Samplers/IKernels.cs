namespace Lightning.Sweeps.Samplers;

/// <summary>
/// One parameter's kernels in a Parzen mixture: one per observation, in order, then the prior's. Points are the
/// sampler's numbers: a numeric parameter's point in its space, a categorical one's choice index.
/// </summary>
internal interface IKernels
{
    /// <summary>log of kernel <paramref name="kernel"/>'s density (or probability) at <paramref name="point"/>.</summary>
    double LogDensity(double point, int kernel);

    /// <summary>A draw from kernel <paramref name="kernel"/>.</summary>
    double Sample(Random random, int kernel);
}
