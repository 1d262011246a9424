namespace Lightning.Core.Tracking;

/// <summary>Run states as MLflow names them.</summary>
public enum RunStatus
{
    /// <summary>In progress.</summary>
    Running,
    /// <summary>Ended normally.</summary>
    Finished,
    /// <summary>Ended by an error.</summary>
    Failed,
    /// <summary>Stopped by a signal or a request.</summary>
    Killed,
}
