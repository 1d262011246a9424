namespace Lightning.Mlflow;

/// <summary>How an <see cref="MlflowTracker"/> names and reports its run.</summary>
public sealed record MlflowTrackerOptions
{
    /// <summary>Experiment name.</summary>
    public required string Experiment { get; init; }

    /// <summary>Run name; null generates one.</summary>
    public string? RunName { get; init; }

    /// <summary>Where warnings and the closing summary line go.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>While offline, how often the writer tries to deliver the spool. Default 30 s.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Clock for probes and timestamps.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
