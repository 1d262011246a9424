namespace Lightning.Sweeps.Executors;

/// <summary>Runs trials as separate processes, so a crash or leak in one cannot take the sweep down.</summary>
public interface ITrialExecutor
{
    /// <summary>Starts a trial.</summary>
    ITrialProcess Start(TrialLaunch launch);
}

/// <summary>A started trial.</summary>
public interface ITrialProcess : IDisposable
{
    /// <summary>Whether it ended.</summary>
    bool HasExited { get; }

    /// <summary>Its exit code, once ended (0 finished, 3 pruned, anything else failed).</summary>
    int ExitCode { get; }

    /// <summary>Asks it to stop (SIGTERM: it saves a checkpoint and exits 3).</summary>
    void Stop();
}
