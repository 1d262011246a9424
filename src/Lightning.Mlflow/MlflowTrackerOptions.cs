namespace Lightning.Mlflow;

/// <summary>How an <see cref="MlflowTracker"/> names and reports its run.</summary>
public sealed record MlflowTrackerOptions
{
    /// <summary>Experiment name.</summary>
    public required string Experiment { get; init; }

    /// <summary>Run name; null generates one.</summary>
    public string? RunName { get; init; }

    /// <summary>Where warnings go (the app's standard error).</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>
    /// Where the closing summary line of a run that recorded everything goes (the app's standard output); null: <see cref="Log"/>.
    /// A build log lists the first line of standard error as the failure's reason, so a plain summary must not be there.
    /// </summary>
    public TextWriter? Output { get; init; }

    /// <summary>While offline, how often the writer tries to deliver the spool. Default 30 s.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the writer gathers writes before sending them. Default 200 ms: per-step logging then costs one request
    /// (or one append per metric file) per interval, not per step, and the writer stays off the training thread's core.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// At run end, how long delivery may keep retrying a server that does not answer before the rest is left in the
    /// spool (delivered later by <c>dotnet lightning runs push</c>). Default 5 s.
    /// </summary>
    public TimeSpan FinalDeliveryBudget { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Registers each logged model as a new version of this registered model; null registers nothing.</summary>
    public string? RegisterModel { get; init; }

    /// <summary>
    /// How often MLflow's system metrics (<c>system/cpu_utilization_percentage</c>, memory, disk, network, GPUs) are logged
    /// while the run is active; null logs none. The app host sets it from <c>tracking.system_metrics_interval_s</c>.
    /// </summary>
    public TimeSpan? SystemMetricsInterval { get; init; }

    /// <summary>Clock for probes and timestamps.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
