using Lightning.Core.Configuration;

namespace Lightning.Hosting;

/// <summary>Where runs are recorded. Section <c>tracking</c>.</summary>
public sealed record TrackingOptions : IValidatableOptions
{
    /// <summary>Tracking store URI; null uses the app's default store.</summary>
    public string? Uri { get; init; }

    /// <summary>Experiment name; default the project name.</summary>
    public string? Experiment { get; init; }

    /// <summary>Run name; default generated.</summary>
    public string? RunName { get; init; }

    /// <summary>Run id of a parent run (a sweep); the run is nested under it with tag <c>mlflow.parentRunId</c>.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>Extra tags as <c>key=value,key=value</c> (a sweep sets <c>sweep.id</c> and <c>sweep.trial</c>).</summary>
    public string? Tags { get; init; }

    /// <summary>Which checkpoint a successful fit logs as the run's model under <c>model/</c>; default the best.</summary>
    public LogModelMode LogModel { get; init; } = LogModelMode.Best;

    /// <summary>Registers the logged model as a new version of this registered model; null registers nothing.</summary>
    public string? RegisterModel { get; init; }

    /// <summary>Whether the run logs MLflow's system metrics (CPU, memory, disk, network, GPUs). Default true.</summary>
    public bool SystemMetrics { get; init; } = true;

    /// <summary>Seconds between system-metric samples. Default 10, as MLflow's own monitor.</summary>
    public double SystemMetricsIntervalS { get; init; } = 10;

    /// <summary>The extra tags as pairs.</summary>
    public IEnumerable<KeyValuePair<string, string>> TagPairs() =>
        (Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Split('=', 2)).Where(p => p.Length == 2).Select(p => KeyValuePair.Create(p[0], p[1]));

    /// <inheritdoc />
    public void Validate(ConfigErrors errors)
    {
        if (Experiment is { Length: 0 }) errors.Add(nameof(Experiment), Experiment, "must not be empty (or unset for the project name).");
        if (ParentRunId is { } parent && (parent.Length != 32 || !parent.All(char.IsAsciiHexDigit)))
            errors.Add(nameof(ParentRunId), parent, "must be an MLflow run id: 32 hexadecimal characters.");
        if (RegisterModel is { } model && (model.Trim().Length == 0 || model.Contains('/') || model.Contains('%')))
            errors.Add(nameof(RegisterModel), model, "must be a model name without '/' or '%' (MLflow's file store refuses them).");
        if (RegisterModel is not null && LogModel == LogModelMode.None)
            errors.Add(nameof(RegisterModel), RegisterModel, "needs a logged model: set tracking.log_model to best or last.");
        if (Tags is { } tags && tags.Split(',', StringSplitOptions.RemoveEmptyEntries).Any(t => !t.Contains('=')))
            errors.Add(nameof(Tags), tags, "must be key=value pairs separated by commas.");
        if (!(SystemMetricsIntervalS >= 0.01))
            errors.Add(nameof(SystemMetricsIntervalS), SystemMetricsIntervalS,
                "must be at least 0.01 seconds (turn sampling off with system_metrics: false).");
    }
}
