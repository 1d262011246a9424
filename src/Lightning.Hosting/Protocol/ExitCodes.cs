namespace Lightning.Hosting;

/// <summary>Process exit codes of the driver contract (the README lists them); only process edges use them.</summary>
public static class ExitCodes
{
    /// <summary>Finished.</summary>
    public const int Finished = 0;
    /// <summary>Failed.</summary>
    public const int Failed = 1;
    /// <summary>Bad usage or configuration; nothing started.</summary>
    public const int Usage = 2;
    /// <summary>Pruned or stopped on request.</summary>
    public const int Stopped = 3;
    /// <summary>Interrupted by SIGINT/SIGTERM after saving a checkpoint.</summary>
    public const int Interrupted = 130;
}
