namespace Lightning.Sweeps.Samplers;

/// <summary>Proposes the parameters of the next trial from what earlier trials found.</summary>
public interface ISampler
{
    /// <summary>
    /// The next trial's parameters, or null when the sampler has nothing more to propose (a finished grid).
    /// <paramref name="trials"/> holds every trial so far, running ones included, so proposals can avoid them.
    /// </summary>
    IReadOnlyDictionary<string, object>? Next(IReadOnlyList<Trial> trials);
}
