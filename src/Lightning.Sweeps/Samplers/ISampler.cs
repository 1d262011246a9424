namespace Lightning.Sweeps.Samplers;

/// <summary>Proposes the parameters of the next trial from what earlier trials found.</summary>
public interface ISampler
{
    /// <summary>
    /// The next trial's parameters, or null when the sampler has nothing more to propose (a finished grid).
    /// <paramref name="trials"/> holds every trial so far, running ones included, so proposals can avoid them.
    /// </summary>
    IReadOnlyDictionary<string, object>? Next(IReadOnlyList<Trial> trials);

    /// <summary>
    /// Whether proposals depend on earlier trials' results. A sampler that does not (grid, random) can have every
    /// planned trial proposed at once, so a queueing executor submits them together.
    /// </summary>
    bool LearnsFromResults => true;
}
