namespace Lightning.Core.Callbacks;

/// <summary>Whether lower or higher values of a monitored metric are better.</summary>
public enum MonitorMode
{
    /// <summary>Lower is better (losses).</summary>
    Min,
    /// <summary>Higher is better (accuracy).</summary>
    Max,
}
