using Lightning.Hosting;
using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.Spaces;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Running;

/// <summary>
/// The sweep controller: proposes trials with the sampler, keeps up to <c>Parallel</c> trial processes running,
/// follows their events files, asks the pruner at every epoch and stops pruned trials with SIGTERM, records a parent
/// MLflow run with the trials nested under it, and keeps its state in a file so a dead controller can be resumed.
/// The stages are <see cref="TrialScheduler"/> (which trial next, where), <see cref="TrialMonitor"/> (events to
/// decisions) and <see cref="SweepRecorder"/> (the parent run); this class is the loop that polls them.
/// </summary>
public sealed class SweepRunner(SweepOptions options)
{
    private readonly Dictionary<int, RunningTrial> _running = [];
    private readonly FailFast _failFast = new(options.FailFast);

    /// <summary>Runs the sweep until every planned trial ended, or <paramref name="cancel"/> stops it (running trials are stopped cleanly).</summary>
    /// <exception cref="Configuration.SweepConfigException">A parameter is not a key of the app, the app refuses one
    /// of its values, or a local trial would train on more devices than the parallel slots; nothing was started.</exception>
    /// <exception cref="SweepRefusedException">Another controller runs this sweep, there is no sweep to resume, or the
    /// executor refused the trials.</exception>
    public SweepResult Run(CancellationToken cancel)
    {
        var devices = options.PrintConfig is { } printConfig
            ? Configuration.SweepPreflight.Check(options.Config, options.ConfigPath, printConfig)
            : options.Devices;
        if (!options.Executor.QueuesTrials) devices.CheckFits(options.Config, options.ConfigPath, options.Parallel);
        var state = options.ResumeId is { } id ? SweepState.Load(options.ProjectFolder, id) : NewState();
        using var held = SweepLock.Acquire(options.ProjectFolder, state.Id);
        AbandonLeftovers(state);
        var recorder = new SweepRecorder(options);
        recorder.Start(state);
        state.Save(options.ProjectFolder);
        options.Output.WriteLine($"Sweep {state.Id}: {options.Config.Method}, {state.Planned} trials, {options.Parallel} at a time, " +
            $"optimising {options.Config.Metric} ({options.Config.Goal.ToString().ToLowerInvariant()}).");

        var pruner = options.Config.CreatePruner();
        // Where trials wait for the pruner's answer. Epochs past any sensible max_epochs cost nothing: a trial only waits at those it reaches.
        HashSet<int> decisionEpochs = [.. pruner?.DecisionEpochs(upTo: 100_000) ?? []];
        var scheduler = new TrialScheduler(options, state, options.Config.CreateSampler(), decisionEpochs, trial => devices.Of(trial.Params));
        var monitor = new TrialMonitor(options, state, pruner, decisionEpochs, _running.Values);
        (SweepStatus Status, string Message)? stopped = null;
        while (true)
        {
            Poll(state, monitor);
            stopped ??= StopReason(state, monitor, cancel);
            if (stopped is null) Launch(state, scheduler);
            if (_running.Count == 0 && (stopped is not null || scheduler.Exhausted || scheduler.Remaining == 0)) break;
            // A delay on the injected clock; cancelling ends it early, and WhenAny never throws on that.
            Task.WhenAny(Task.Delay(options.PollInterval, options.Time, cancel)).Wait();
        }

        var result = Summarize(state, stopped?.Status ?? SweepStatus.Completed, stopped?.Message);
        recorder.End(state, result);
        state.Save(options.ProjectFolder);
        return result;
    }

    /// <summary>
    /// Why the sweep stops now, or null while it goes on; every reason but a missing metric (which did so already)
    /// stops the running trials.
    /// </summary>
    private (SweepStatus, string)? StopReason(SweepState state, TrialMonitor monitor, CancellationToken cancel)
    {
        if (cancel.IsCancellationRequested)
        {
            monitor.StopAll();
            return (SweepStatus.Cancelled, "cancelled");
        }
        if (monitor.MetricNotLogged is { } missing) return (SweepStatus.MetricNotLogged, missing);
        if (!_failFast.Tripped(state)) return null;
        monitor.StopAll();
        return (SweepStatus.FirstTrialsFailed, $"{_failFast.Describe(state.Planned)}; see their logs in {state.Folder(options.ProjectFolder)}");
    }

    private SweepState NewState()
    {
        var planned = options.Trials ?? options.Config.RunCap ?? (options.Config.CreateSampler() is GridSampler grid ? (int)grid.Size : 0);
        if (options.Config.CreateSampler() is GridSampler all) planned = (int)Math.Min(planned, all.Size);
        return new SweepState
        {
            Id = $"{options.Time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}",
            ConfigPath = Path.GetFullPath(options.ConfigPath),
            Planned = planned,
        };
    }

    /// <summary>A dead controller's running trials may still run (a local orphan, a Slurm job): they are stopped before they start again.</summary>
    private void AbandonLeftovers(SweepState state)
    {
        foreach (var trial in state.Trials.Where(t => t.State == TrialState.Running))
        {
            if (trial.Handle is { } handle)
            {
                options.Output.WriteLine($"trial {trial.Number}: stopping what is left of attempt {trial.Attempts} ({handle})");
                options.Executor.Abandon(handle);
            }
            trial.State = TrialState.Pending;
            trial.Handle = null;
        }
    }

    private void Launch(SweepState state, TrialScheduler scheduler)
    {
        var ready = scheduler.Next(_running.Values);
        if (ready.Count == 0) return;
        var processes = options.Executor.StartMany([.. ready.Select(r => r.Launch)], options.Parallel);
        foreach (var ((trial, launch), process) in ready.Zip(processes))
        {
            trial.Handle = process.Handle;
            _running[trial.Number] = new RunningTrial(trial, process, new EventsReader(launch.EventsPath), launch.Slots);
            options.Output.WriteLine(
                $"trial {trial.Number} started: {string.Join(" ", trial.Params.Select(p => $"{p.Key}={Parameter.Format(p.Value)}"))}");
        }
        Save(state);
    }

    private void Poll(SweepState state, TrialMonitor monitor)
    {
        foreach (var running in _running.Values.ToList())
        {
            foreach (var driverEvent in running.Events.ReadNew()) monitor.Observe(running, driverEvent, exited: false);
            if (!running.Process.HasExited) continue;
            foreach (var driverEvent in running.Events.ReadNew()) monitor.Observe(running, driverEvent, exited: true);
            monitor.Ended(running);
            running.Process.Dispose();
            _running.Remove(running.Trial.Number);
            Save(state);
        }
    }

    private SweepResult Summarize(SweepState state, SweepStatus status, string? message)
    {
        var best = state.Trials.Where(t => t.State == TrialState.Finished && t.Value is { } v && double.IsFinite(v))
            .OrderBy(t => options.Config.Goal.Loss(t.Value!.Value)).FirstOrDefault();
        return new SweepResult(state.Id, status,
            state.Trials.Count(t => t.State == TrialState.Finished), state.Trials.Count(t => t.State == TrialState.Pruned),
            state.Trials.Count(t => t.State == TrialState.Failed), best?.Number, best?.Value, best?.Params ?? [], message,
            best?.RunId);
    }

    private void Save(SweepState state)
    {
        state.Save(options.ProjectFolder);
        options.OnChange?.Invoke(TrialSnapshot.Of(state));
    }
}
