using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Samplers;

/// <summary>Every combination of the parameters' values, each exactly once, in a fixed order; then nothing more.</summary>
public sealed class GridSampler : ISampler
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly long _size;

    /// <summary>A grid over <paramref name="parameters"/>; every one must have a list of values.</summary>
    /// <exception cref="ArgumentException">A parameter is a range: a grid cannot enumerate it.</exception>
    public GridSampler(IReadOnlyList<Parameter> parameters)
    {
        if (parameters.FirstOrDefault(p => !p.IsFinite) is { } range)
            throw new ArgumentException(
                $"Grid search needs a list of values for every parameter, but '{range.Key}' is a range; " +
                "give it 'values: [...]' or use method random or tpe.", nameof(parameters));
        _parameters = parameters;
        _size = parameters.Aggregate(1L, (product, p) => product * p.Values().Count);
    }

    /// <summary>Combinations in the grid.</summary>
    public long Size => _size;

    /// <inheritdoc />
    public bool LearnsFromResults => false;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object>? Next(IReadOnlyList<Trial> trials)
    {
        long index = trials.Count;
        if (index >= _size) return null;
        var values = new Dictionary<string, object>();
        // Mixed-radix digits of the index, last parameter fastest.
        for (var i = _parameters.Count - 1; i >= 0; i--)
        {
            var choices = _parameters[i].Values();
            values[_parameters[i].Key] = choices[(int)(index % choices.Count)];
            index /= choices.Count;
        }
        return _parameters.ToDictionary(p => p.Key, p => values[p.Key]);
    }
}
