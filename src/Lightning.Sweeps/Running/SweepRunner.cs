#pragma warning disable RS0030 // TODO(issue 10): clock — this file reads time or sleeps directly; its owner passes a TimeProvider.
using System.Globalization;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.Spaces;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Running;

/// <summary>
/// The sweep controller: proposes trials with the sampler, keeps up to <c>Parallel</c> trial processes running,
/// follows their events files, asks the pruner at every epoch and stops pruned trials with SIGTERM, records a parent
/// MLflow run with the trials nested under it, and keeps its state in a file so a dead controller can be resumed.
/// </summary>
public sealed class SweepRunner(SweepOptions options)
{
    private readonly Dictionary<int, (ITrialProcess Process, TrialEvents Events, bool Pruning)> _running = [];

    /// <summary>Runs the sweep until every planned trial ended, or <paramref name="cancel"/> stops it (running trials are stopped cleanly).</summary>
    /// <exception cref="Configuration.SweepConfigException">A parameter is not a key of the app, or the app refuses one of its values; nothing was started.</exception>
    public SweepResult Run(CancellationToken cancel)
    {
        if (options.PrintConfig is { } printConfig) Configuration.SweepPreflight.Check(options.Config, options.ConfigPath, printConfig);
        var state = options.ResumeId is { } id ? SweepState.Load(options.ProjectFolder, id) : NewState();
        using var held = SweepLock.Acquire(options.ProjectFolder, state.Id);
        foreach (var trial in state.Trials.Where(t => t.State == TrialState.Running))
        {
            // The dead controller's trial may still run (a local orphan, a Slurm job): stop it before it starts again.
            if (trial.Handle is { } handle)
            {
                options.Output.WriteLine($"trial {trial.Number}: stopping what is left of attempt {trial.Attempts} ({handle})");
                options.Executor.Abandon(handle);
            }
            trial.State = TrialState.Pending;
            trial.Handle = null;
        }
        StartParentRun(state);
        state.Save(options.ProjectFolder);
        options.Output.WriteLine($"Sweep {state.Id}: {options.Config.Method}, {state.Planned} trials, {options.Parallel} at a time, optimising {options.Config.Metric} ({options.Config.Goal.ToString().ToLowerInvariant()}).");

        var sampler = options.Config.CreateSampler();
        string? stopped = null;
        SweepStop? reason = null;
        var exhausted = false;
        while (true)
        {
            Poll(state);
            if (cancel.IsCancellationRequested && stopped is null)
            {
                (stopped, reason) = ("cancelled", SweepStop.Cancelled);
                StopAll();
            }
            // Observing a trial without the metric has already stopped every trial, so none waits at a rung.
            if (stopped is null && _metricNotLogged is { } missing) (stopped, reason) = (missing, SweepStop.MetricNotLogged);
            if (stopped is null && FirstTrialsAllFailed(state))
            {
                (stopped, reason) = ($"{FirstTrialsFailed(state.Planned)}; see their logs in {state.Folder(options.ProjectFolder)}", SweepStop.FirstTrialsFailed);
                StopAll();
            }
            if (stopped is null) LaunchReady(state, sampler, ref exhausted);
            if (_running.Count == 0 && (stopped is not null || exhausted || Remaining(state) == 0)) break;
            Thread.Sleep(options.PollInterval);
        }

        var result = Summarize(state, stopped, reason);
        EndParentRun(state, result);
        state.Save(options.ProjectFolder);
        return result;
    }

    private SweepState NewState()
    {
        var planned = options.Trials ?? options.Config.RunCap ?? (options.Config.CreateSampler() is GridSampler grid ? (int)grid.Size : 0);
        if (options.Config.CreateSampler() is GridSampler all) planned = (int)Math.Min(planned, all.Size);
        return new SweepState
        {
            Id = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}",
            ConfigPath = Path.GetFullPath(options.ConfigPath),
            Planned = planned,
        };
    }

    private int Remaining(SweepState state) =>
        state.Planned - state.Trials.Count(t => t.State is TrialState.Finished or TrialState.Pruned or TrialState.Failed or TrialState.Running);

    /// <summary>The fail-fast rule in words, with the true count: fewer trials than the rule's count are planned, or one.</summary>
    private string FirstTrialsFailed(int planned)
    {
        var count = Math.Min(options.FailFast, planned);
        return count == 1 ? planned == 1 ? "the only trial failed" : "the first trial failed"
            : count == planned ? $"all {count} trials failed" : $"the first {count} trials all failed";
    }

    private bool FirstTrialsAllFailed(SweepState state)
    {
        var first = state.Trials.OrderBy(t => t.Number).Take(Math.Min(options.FailFast, state.Planned)).ToList();
        return first.Count == Math.Min(options.FailFast, state.Planned) && first.All(t => t.State == TrialState.Failed);
    }

    /// <summary>
    /// Starts the trials that can start now, together, so a batch scheduler gets them as one array: up to the parallel
    /// limit, or every remaining one when the executor queues trials itself and the sampler does not learn from results.
    /// </summary>
    private void LaunchReady(SweepState state, ISampler sampler, ref bool exhausted)
    {
        var capacity = options.Executor.QueuesTrials && !sampler.LearnsFromResults ? int.MaxValue : options.Parallel - _running.Count;
        var ready = new List<(TrialRecord Trial, TrialLaunch Launch)>();
        while (ready.Count < capacity && Prepare(state, sampler, ref exhausted, ready.Count) is { } next) ready.Add(next);
        if (ready.Count == 0) return;
        var processes = options.Executor.StartMany([.. ready.Select(r => r.Launch)], options.Parallel);
        foreach (var ((trial, launch), process) in ready.Zip(processes))
        {
            trial.Handle = process.Handle;
            _running[trial.Number] = (process, new TrialEvents(launch.EventsPath), false);
            _slots[trial.Number] = launch.Slot;
            options.Output.WriteLine($"trial {trial.Number} started: {Describe(trial.Params)}");
        }
        Save(state);
    }

    /// <summary>The next trial to run (a pending one first, else a new proposal) marked running, or null when there is none.</summary>
    private (TrialRecord, TrialLaunch)? Prepare(SweepState state, ISampler sampler, ref bool exhausted, int alreadyReady)
    {
        if (Remaining(state) <= 0) return null;
        var trial = state.Trials.Where(t => t.State == TrialState.Pending).OrderBy(t => t.Number).FirstOrDefault();
        if (trial is null)
        {
            if (exhausted) return null;
            var proposal = sampler.Next(state.Trials.OrderBy(t => t.Number).Select(t => t.ToTrial()).ToList());
            if (proposal is null)
            {
                exhausted = true;
                return null;
            }
            trial = new TrialRecord { Number = state.Trials.Count, Params = proposal.ToDictionary(p => p.Key, p => p.Value) };
            state.Trials.Add(trial);
        }
        trial.State = TrialState.Running;
        trial.Attempts++;
        trial.Curve.Clear();
        var folder = Path.Combine(state.Folder(options.ProjectFolder), $"trial-{trial.Number}");
        Directory.CreateDirectory(folder);
        var events = Path.Combine(folder, $"events-{trial.Attempts}.jsonl");
        var arguments = new List<string> { "fit", "--events", events, $"--tracking.run_name={state.Id}-trial-{trial.Number}",
            $"--tracking.tags=sweep.id={state.Id},sweep.trial={trial.Number}", $"--tracking.experiment={options.Experiment}", "--trainer.enable_model_summary=false" };
        if (state.ParentRunId is { } parent) arguments.Add($"--tracking.parent_run_id={parent}");
        arguments.AddRange(trial.Params.Select(p => $"--{p.Key}={Parameter.Format(p.Value)}"));
        // A slot no running trial holds; queued trials beyond the parallel limit share slots round the ring.
        var used = UsedSlots();
        var free = Enumerable.Range(0, options.Parallel).Where(s => !used.Contains(s)).ToList();
        var slot = alreadyReady < free.Count ? free[alreadyReady] : alreadyReady % options.Parallel;
        return (trial, new TrialLaunch(trial.Number, arguments, events, Path.Combine(folder, "output.log"), slot, TrialEnvironment()));
    }

    private Dictionary<string, string> TrialEnvironment() => DecisionEpochs.Count == 0
        ? []
        : new() { [Core.Hosting.SweepTrialContract.DecisionEpochsVariable] = Core.Hosting.SweepTrialContract.FormatEpochs(DecisionEpochs.Order()) };

    /// <summary>Stops every running trial; each goes back to pending, so --resume runs it again.</summary>
    private void StopAll()
    {
        _stopping = true;
        foreach (var (_, running) in _running) running.Process.Stop();
    }

    private readonly Dictionary<int, int> _slots = [];
    private bool _stopping;

    // Why the sweep stops when a trial did not log its metric (the first such trial); null while none did.
    private string? _metricNotLogged;

    // The metric names each trial logged last, for the message when the sweep's metric is not among them.
    private readonly Dictionary<int, IReadOnlyList<string>> _logged = [];
    private readonly Pruners.IPruner? _pruner = options.Config.CreatePruner();

    // Where trials wait for the pruner's answer. Epochs past any sensible max_epochs cost nothing: a trial only waits
    // at those it reaches.
    private HashSet<int> DecisionEpochs => _decisionEpochs ??= [.. _pruner?.DecisionEpochs(upTo: 100_000) ?? []];
    private HashSet<int>? _decisionEpochs;

    private HashSet<int> UsedSlots() => _running.Keys.Select(n => _slots[n]).ToHashSet();

    private void Poll(SweepState state)
    {
        foreach (var number in _running.Keys.ToList())
        {
            var (process, events, pruning) = _running[number];
            var trial = state.Trials.Single(t => t.Number == number);
            foreach (var line in events.ReadNew()) pruning |= Observe(state, trial, events, line, process, pruning);
            _running[number] = (process, events, pruning);
            if (!process.HasExited) continue;
            foreach (var line in events.ReadNew()) Observe(state, trial, events, line, process, true);
            Finish(trial, process.ExitCode, pruning, state);
            trial.Handle = null;
            process.Dispose();
            _running.Remove(number);
            Save(state);
        }
    }

    private bool Observe(SweepState state, TrialRecord trial, TrialEvents events, System.Text.Json.Nodes.JsonObject line, ITrialProcess process, bool pruning)
    {
        switch (line["event"]?.GetValue<string>())
        {
            case "run_started":
                trial.RunId = line["run_id"]?.GetValue<string>();
                return false;
            case "epoch_end":
                var epoch = line["epoch"]!.GetValue<int>() + 1;
                _logged[trial.Number] = Names(line["metrics"]);
                // Before the first validation (check_val_every_n_epoch > 1) a validation metric cannot be there yet.
                if (line["metrics"]?[options.Config.Metric] is null && line["validated"]?.GetValue<bool>() == false)
                {
                    if (DecisionEpochs.Contains(epoch)) Core.Hosting.SweepTrialContract.WriteDecision(events.Path, epoch, stop: _stopping);
                    return false;
                }
                if (line["metrics"]?[options.Config.Metric] is not { } metric)
                {
                    MetricNotLogged(trial);
                    // Answered at once: a trial waiting here would otherwise wait out the decision timeout.
                    if (DecisionEpochs.Contains(epoch)) Core.Hosting.SweepTrialContract.WriteDecision(events.Path, epoch, stop: true);
                    return false;
                }
                var value = Core.Checkpoints.JsonNumbers.Read(metric) ?? double.NaN;
                trial.Curve[epoch] = value;
                trial.Value = value;
                options.OnChange?.Invoke(Snapshot(state));
                options.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trial {trial.Number} epoch {epoch}: {options.Config.Metric}={value:G5}"));
                var prune = !pruning && _pruner is not null && _pruner.ShouldPrune(trial.ToTrial(), epoch, state.Trials.Select(t => t.ToTrial()).ToList());
                if (prune)
                {
                    options.Output.WriteLine($"trial {trial.Number} pruned at epoch {epoch}");
                    // The signal first: a trial waiting at this epoch reads stop and then expects to have been told.
                    process.Stop();
                }
                // A stopping sweep answers stop: the trial ends with the others instead of training another stretch.
                if (DecisionEpochs.Contains(epoch)) Core.Hosting.SweepTrialContract.WriteDecision(events.Path, epoch, prune || pruning || _stopping);
                return prune;
            case "finished":
                if (line["metrics"] is System.Text.Json.Nodes.JsonObject { Count: > 0 } logged) _logged[trial.Number] = Names(logged);
                if (line["metrics"]?[options.Config.Metric] is { } final) trial.Value = Core.Checkpoints.JsonNumbers.Read(final) ?? double.NaN;
                return false;
            default:
                return false;
        }
    }

    /// <summary>Stops the sweep because <paramref name="trial"/> did not log the metric: the sweep file names one the app does not log.</summary>
    private void MetricNotLogged(TrialRecord trial)
    {
        if (_metricNotLogged is null)
        {
            var logged = _logged.GetValueOrDefault(trial.Number) ?? [];
            var suggestion = Core.Configuration.KeyNames.Suggest(options.Config.Metric, logged);
            _metricNotLogged = $"metric '{options.Config.Metric}' ({Path.GetFileName(options.ConfigPath)}) was not logged by trial {trial.Number}; " +
                               (logged.Count == 0 ? "it logged no metrics" : "it logged: " + string.Join(", ", logged)) +
                               (suggestion is null ? "" : $" (did you mean '{suggestion}'?)");
            options.Output.WriteLine(_metricNotLogged);
        }
        StopAll();
    }

    private static List<string> Names(System.Text.Json.Nodes.JsonNode? metrics) =>
        metrics is System.Text.Json.Nodes.JsonObject map ? [.. map.Select(m => m.Key)] : [];

    private void Finish(TrialRecord trial, int exitCode, bool pruning, SweepState state)
    {
        // Ended without its metric: it measured nothing the sweep can use, so it runs again on --resume once the file is fixed.
        if (exitCode == 0 && trial.Value is null) MetricNotLogged(trial);
        trial.ExitCode = exitCode;
        trial.State = exitCode switch
        {
            0 when trial.Value is null => TrialState.Pending,
            0 => TrialState.Finished,
            // Stopped by the pruner: however it ended (3, a signal, Slurm's CANCELLED), it was pruned.
            _ when pruning => TrialState.Pruned,
            // Stopped because the sweep was cancelled or failed fast: it runs again on --resume.
            3 or 130 when _stopping => TrialState.Pending,
            3 => TrialState.Pruned,
            _ => TrialState.Failed,
        };
        if (trial.State == TrialState.Pending)
        {
            options.Output.WriteLine($"trial {trial.Number} stopped; it runs again when the sweep is resumed (--resume {state.Id})");
            return;
        }
        if (trial.State == TrialState.Failed)
        {
            var log = Path.Combine(state.Folder(options.ProjectFolder), $"trial-{trial.Number}", "output.log");
            trial.Error = TrialFailure.Message(log) ?? $"exit code {exitCode}";
            options.Output.WriteLine($"trial {trial.Number} failed (exit code {exitCode}): {trial.Error}");
        }
        else options.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trial {trial.Number} {trial.State.ToString().ToLowerInvariant()}: {options.Config.Metric}={trial.Value:G5}"));
    }

    private SweepResult Summarize(SweepState state, string? stopped, SweepStop? reason)
    {
        var ranked = state.Trials.Where(t => t.State == TrialState.Finished && t.Value is { } v && double.IsFinite(v))
            .OrderBy(t => options.Config.Goal.Loss(t.Value!.Value)).ToList();
        var best = ranked.FirstOrDefault();
        return new SweepResult(state.Id, state.Trials.Count(t => t.State == TrialState.Finished), state.Trials.Count(t => t.State == TrialState.Pruned),
            state.Trials.Count(t => t.State == TrialState.Failed), best?.Number, best?.Value, best?.Params ?? [], stopped, reason);
    }

    private void StartParentRun(SweepState state)
    {
        if (options.Store is not { } store || state.ParentRunId is not null) return;
        var tags = new Dictionary<string, string> { ["sweep.id"] = state.Id, ["mlflow.source.type"] = "LOCAL", ["mlflow.user"] = Environment.UserName };
        var run = store.CreateRun(new RunRequest(options.Experiment, $"sweep-{state.Id}", Environment.UserName, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), tags));
        state.ParentRunId = run.RunId;
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("sweep/method", options.Config.Method), new("sweep/metric", options.Config.Metric), new("sweep/goal", options.Config.Goal.ToString().ToLowerInvariant()),
            new("sweep/trials", state.Planned.ToString(CultureInfo.InvariantCulture)), new("sweep/seed", options.Config.Seed.ToString(CultureInfo.InvariantCulture)),
        };
        parameters.AddRange(options.Config.Parameters.Select(p => KeyValuePair.Create("sweep/space/" + p.Key, Describe(p))));
        store.LogBatch(run.RunId, [], parameters, []);
        store.UploadArtifact(run, options.ConfigPath, "sweep.yaml");
    }

    private void EndParentRun(SweepState state, SweepResult result)
    {
        if (options.Store is not { } store || state.ParentRunId is not { } parentId) return;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var metrics = new List<MetricPoint> { new("trials_finished", result.Finished, 0, now), new("trials_pruned", result.Pruned, 0, now), new("trials_failed", result.Failed, 0, now) };
        if (result.BestValue is { } value) metrics.Add(new MetricPoint("best_" + options.Config.Metric, value, 0, now));
        var tags = result.BestParams.Select(p => KeyValuePair.Create("best." + p.Key, Parameter.Format(p.Value))).ToList();
        if (result.BestTrial is { } bestTrial) tags.Add(KeyValuePair.Create("best.trial", bestTrial.ToString(CultureInfo.InvariantCulture)));
        store.LogBatch(parentId, metrics, [], tags);
        store.UpdateRun(parentId, result.StopReason == SweepStop.Cancelled ? RunStatus.Killed : result.StopReason is null ? RunStatus.Finished : RunStatus.Failed, now);
    }

    private void Save(SweepState state)
    {
        state.Save(options.ProjectFolder);
        options.OnChange?.Invoke(Snapshot(state));
    }

    private static List<TrialSnapshot> Snapshot(SweepState state) =>
        state.Trials.OrderBy(t => t.Number).Select(t => new TrialSnapshot(t.Number, t.State, t.Params, t.Value, t.Curve.Count)).ToList();

    private static string Describe(IReadOnlyDictionary<string, object> parameters) => string.Join(" ", parameters.Select(p => $"{p.Key}={Parameter.Format(p.Value)}"));

    private static string Describe(Parameter parameter) => parameter switch
    {
        Categorical c => "values " + string.Join(",", c.Choices.Select(Parameter.Format)),
        Constant c => "value " + Parameter.Format(c.Value),
        Numeric n => string.Create(CultureInfo.InvariantCulture, $"{(n.Log ? "log_uniform_values" : n.IsInteger ? "int_uniform" : n.Step is null ? "uniform" : "q_uniform")} {n.Low}..{n.High}{(n.Step is { } q ? $" q={q}" : "")}"),
        _ => parameter.ToString(),
    };
}
