namespace Lightning.Sweeps.Executors;

/// <summary>Runs trials as separate processes, so a crash or leak in one cannot take the sweep down.</summary>
public interface ITrialExecutor
{
    /// <summary>Starts a trial.</summary>
    ITrialProcess Start(TrialLaunch launch);

    /// <summary>
    /// Starts several trials that became ready together, in the order given. A batch scheduler submits them as one job
    /// array, at most <paramref name="parallel"/> running at once.
    /// </summary>
    IReadOnlyList<ITrialProcess> StartMany(IReadOnlyList<TrialLaunch> launches, int parallel) => [.. launches.Select(Start)];

    /// <summary>
    /// Whether trials wait in a queue the executor throttles itself (a Slurm array's <c>%K</c>). Then the controller
    /// submits every planned trial of a sampler that does not learn from results at once, instead of <c>parallel</c> at a time.
    /// </summary>
    bool QueuesTrials => false;

    /// <summary>
    /// Stops what is left of a trial that a dead controller had started (<see cref="ITrialProcess.Handle"/>), before
    /// it is started again on resume, so two attempts never run at once. Does nothing when it has ended.
    /// </summary>
    void Abandon(string handle);
}

/// <summary>A started trial.</summary>
public interface ITrialProcess : IDisposable
{
    /// <summary>What finds it again from another controller process: a process id, a Slurm job id.</summary>
    string Handle { get; }

    /// <summary>Whether it ended.</summary>
    bool HasExited { get; }

    /// <summary>Its exit code, once ended (0 finished, 3 pruned, anything else failed).</summary>
    int ExitCode { get; }

    /// <summary>Asks it to stop (SIGTERM: it saves a checkpoint and exits 3).</summary>
    void Stop();
}
