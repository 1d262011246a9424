using Lightning.Core.Configuration;

namespace Lightning.Core.Hosting;

/// <summary>Where runs are recorded. Section <c>tracking</c>.</summary>
public sealed record TrackingOptions : IValidatableOptions
{
    /// <summary>Tracking store URI; null uses the app's default store.</summary>
    public string? Uri { get; init; }

    /// <summary>Experiment name; default the project name.</summary>
    public string? Experiment { get; init; }

    /// <summary>Run name; default generated.</summary>
    public string? RunName { get; init; }

    /// <inheritdoc />
    public void Validate(ConfigErrors errors)
    {
        if (Experiment is { Length: 0 }) errors.Add(nameof(Experiment), Experiment, "must not be empty (or unset for the project name).");
    }
}
