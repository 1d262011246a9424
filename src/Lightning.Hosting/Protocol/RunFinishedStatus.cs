namespace Lightning.Hosting;

/// <summary>The <c>status</c> of a <see cref="RunFinished"/> event, written in capitals as MLflow's run statuses are.</summary>
public enum RunFinishedStatus
{
    /// <summary><c>FINISHED</c>: trained to the end (or stopped early by a callback).</summary>
    Finished,

    /// <summary><c>FAILED</c>: an error ended it.</summary>
    Failed,

    /// <summary><c>PRUNED</c>: stopped on request (a sweep's pruner).</summary>
    Pruned,

    /// <summary><c>KILLED</c>: interrupted by a signal after saving a checkpoint.</summary>
    Killed,
}
