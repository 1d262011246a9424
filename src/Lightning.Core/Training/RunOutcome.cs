namespace Lightning.Core.Training;

/// <summary>How a fit ended; the app host maps it to an exit code.</summary>
public enum RunOutcome
{
    /// <summary>Ran to its limits or was stopped by a monitor (early stopping): exit 0.</summary>
    Finished,
    /// <summary>An error or a failed check (non-finite loss): exit 1.</summary>
    Failed,
    /// <summary>Stopped on request from outside (pruned by a sweep): exit 3.</summary>
    Stopped,
    /// <summary>Interrupted by SIGINT/SIGTERM: a checkpoint was saved; exit 130.</summary>
    Interrupted,
}
