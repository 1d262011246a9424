using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Samplers;

/// <summary>Independent draws from each parameter's prior; trial n's draw depends only on the seed and n.</summary>
public sealed class RandomSampler(IReadOnlyList<Parameter> parameters, int seed) : ISampler
{
    /// <inheritdoc />
    public bool LearnsFromResults => false;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object>? Next(IReadOnlyList<Trial> trials)
    {
        var random = TrialRandom.For(seed, trials.Count);
        return parameters.ToDictionary(p => p.Key, p => p.Sample(random));
    }
}
