namespace Lightning.Sweeps.Running;

/// <summary>Why a sweep stopped before its planned trials ended.</summary>
public enum SweepStop
{
    /// <summary>The user cancelled it (Ctrl+C); running trials go back to pending.</summary>
    Cancelled,

    /// <summary>The first trials all failed: something every trial shares is broken.</summary>
    FirstTrialsFailed,

    /// <summary>A trial did not log the sweep's metric: the sweep file names a metric the app does not log.</summary>
    MetricNotLogged,
}
