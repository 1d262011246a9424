using System.Globalization;
using Lightning.Hosting;
using Lightning.Sweeps.Pruners;
using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Running;

/// <summary>
/// Reads what a running trial reports and decides on it: records its curve, asks the pruner at every epoch, stops a
/// pruned trial with SIGTERM and answers the trial waiting at a decision epoch; notices a trial that does not log the
/// sweep's metric; and says, when the trial's process ends, what it came to. <c>runningTrials</c> is the runner's
/// live collection of the trials running now, which a missing metric stops all at once.
/// </summary>
internal sealed class TrialMonitor(
    SweepOptions options, SweepState state, IPruner? pruner, IReadOnlySet<int> decisionEpochs, IEnumerable<RunningTrial> runningTrials)
{
    // The metric names each trial logged last, for the message when the sweep's metric is not among them.
    private readonly Dictionary<int, IReadOnlyList<string>> _logged = [];

    /// <summary>Whether the sweep is stopping (cancelled, failing fast, metric missing): trials stopped now run again on --resume.</summary>
    public bool Stopping { get; private set; }

    /// <summary>Stops every running trial; each goes back to pending, so --resume runs it again.</summary>
    public void StopAll()
    {
        Stopping = true;
        foreach (var trial in runningTrials) trial.Process.Stop();
    }

    /// <summary>Why the sweep stops because a trial did not log its metric (the first such trial); null while none did.</summary>
    public string? MetricNotLogged { get; private set; }

    /// <summary>
    /// Acts on one event of <paramref name="running"/>; <paramref name="exited"/>: read after its process ended, so
    /// nothing is pruned.
    /// </summary>
    public void Observe(RunningTrial running, DriverEvent driverEvent, bool exited)
    {
        var trial = running.Trial;
        switch (driverEvent)
        {
            case RunStarted started:
                trial.RunId = started.RunId;
                break;
            case EpochEnded ended:
                Observe(running, ended, exited);
                break;
            case RunFinished finished:
                if (finished.Metrics.Count > 0) _logged[trial.Number] = Names(finished.Metrics);
                if (finished.Metrics.TryGetValue(options.Config.Metric, out var final)) trial.Value = final;
                break;
        }
    }

    private void Observe(RunningTrial running, EpochEnded ended, bool exited)
    {
        var trial = running.Trial;
        var epoch = ended.Epoch + 1;
        _logged[trial.Number] = Names(ended.Metrics);
        if (!ended.Metrics.TryGetValue(options.Config.Metric, out var value))
        {
            // Before the first validation (check_val_every_n_epoch > 1) a validation metric cannot be there yet.
            if (!ended.Validated)
            {
                Decide(running, epoch, stop: Stopping);
                return;
            }
            StopForMissingMetric(trial);
            // Answered at once: a trial waiting here would otherwise wait out the decision timeout.
            Decide(running, epoch, stop: true);
            return;
        }
        trial.Curve[epoch] = value;
        trial.Value = value;
        options.OnChange?.Invoke(TrialSnapshot.Of(state));
        options.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trial {trial.Number} epoch {epoch}: {options.Config.Metric}={value:G5}"));
        var prune = !exited && !running.Pruning && pruner is not null
            && pruner.ShouldPrune(trial.ToTrial(), epoch, state.Trials.Select(t => t.ToTrial()).ToList());
        if (prune)
        {
            options.Output.WriteLine($"trial {trial.Number} pruned at epoch {epoch}");
            // The signal first: a trial waiting at this epoch reads stop and then expects to have been told.
            running.Process.Stop();
        }
        // A stopping sweep answers stop: the trial ends with the others instead of training another stretch.
        Decide(running, epoch, prune || running.Pruning || exited || Stopping);
        running.Pruning |= prune;
    }

    /// <summary>Settles the state of <paramref name="running"/>, whose process has ended, from its exit code.</summary>
    public void Ended(RunningTrial running)
    {
        var trial = running.Trial;
        var exitCode = running.Process.ExitCode;
        // Ended without its metric: it measured nothing the sweep can use, so it runs again on --resume once the file is fixed.
        if (exitCode == ExitCodes.Finished && trial.Value is null) StopForMissingMetric(trial);
        trial.ExitCode = exitCode;
        trial.State = exitCode switch
        {
            ExitCodes.Finished when trial.Value is null => TrialState.Pending,
            ExitCodes.Finished => TrialState.Finished,
            // Stopped by the pruner: however it ended (stopped, a signal, Slurm's CANCELLED), it was pruned.
            _ when running.Pruning => TrialState.Pruned,
            // Stopped because the sweep was cancelled or failed fast: it runs again on --resume.
            ExitCodes.Stopped or ExitCodes.Interrupted when Stopping => TrialState.Pending,
            ExitCodes.Stopped => TrialState.Pruned,
            _ => TrialState.Failed,
        };
        trial.Handle = null;
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

    private void Decide(RunningTrial running, int epoch, bool stop)
    {
        if (decisionEpochs.Contains(epoch)) SweepTrialContract.WriteDecision(running.Events.Path, epoch, stop);
    }

    /// <summary>Stops the sweep because <paramref name="trial"/> did not log the metric: the sweep file names one the app does not log.</summary>
    private void StopForMissingMetric(TrialRecord trial)
    {
        if (MetricNotLogged is null)
        {
            var logged = _logged.GetValueOrDefault(trial.Number) ?? [];
            var suggestion = Core.Configuration.KeyNames.Suggest(options.Config.Metric, logged);
            MetricNotLogged = $"metric '{options.Config.Metric}' ({Path.GetFileName(options.ConfigPath)}) was not logged by trial {trial.Number}; " +
                              (logged.Count == 0 ? "it logged no metrics" : "it logged: " + string.Join(", ", logged)) +
                              (suggestion is null ? "" : $" (did you mean '{suggestion}'?)");
            options.Output.WriteLine(MetricNotLogged);
        }
        // The sweep file is wrong for every trial, not just this one.
        StopAll();
    }

    // In the order the events file writes them.
    private static List<string> Names(IReadOnlyDictionary<string, double> metrics) => [.. metrics.Keys.Order(StringComparer.Ordinal)];
}
