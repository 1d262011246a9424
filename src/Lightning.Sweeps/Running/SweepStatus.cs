namespace Lightning.Sweeps.Running;

/// <summary>How a sweep ended.</summary>
public enum SweepStatus
{
    /// <summary>Every planned trial ended (finished, pruned or failed).</summary>
    Completed,

    /// <summary>The user cancelled it (Ctrl+C); running trials go back to pending.</summary>
    Cancelled,

    /// <summary>The first trials all failed: something every trial shares is broken.</summary>
    FirstTrialsFailed,

    /// <summary>A trial did not log the sweep's metric: the sweep file names a metric the app does not log.</summary>
    MetricNotLogged,
}
