using Lightning.Hosting;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.Spaces;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Running;

/// <summary>
/// Which trials start next and where: a pending trial first (stopped by a dead or cancelled controller), else the
/// sampler's next proposal; as many as the free slots of the parallel limit hold, a local trial taking one slot per rank
/// on its node (<paramref name="ranksOf"/>, also handed to the executor with the launch). Trials start in order: one
/// that does not fit waits for slots, and those after it wait too.
/// </summary>
internal sealed class TrialScheduler(
    SweepOptions options, SweepState state, ISampler sampler, IReadOnlySet<int> decisionEpochs, Func<TrialRecord, TrialRanks> ranksOf)
{
    /// <summary>Whether the sampler has nothing more to propose (a grid smaller than the trials asked for).</summary>
    public bool Exhausted { get; private set; }

    /// <summary>Planned trials neither ended nor running.</summary>
    public int Remaining =>
        state.Planned - state.Trials.Count(t => t.State is TrialState.Finished or TrialState.Pruned or TrialState.Failed or TrialState.Running);

    /// <summary>
    /// The trials that can start now, to be started together so a batch scheduler gets them as one array: as many as
    /// the free slots hold, or every remaining one when the executor queues trials itself and the sampler does not learn
    /// from results. Each is marked running.
    /// </summary>
    public IReadOnlyList<(TrialRecord Trial, TrialLaunch Launch)> Next(IReadOnlyCollection<RunningTrial> running)
    {
        var unlimited = options.Executor.QueuesTrials && !sampler.LearnsFromResults;
        var used = running.SelectMany(r => r.Slots).ToHashSet();
        var free = new Queue<int>(Enumerable.Range(0, options.Parallel).Where(s => !used.Contains(s)));
        var ready = new List<(TrialRecord, TrialLaunch)>();
        while (Peek() is { } trial)
        {
            var ranks = ranksOf(trial);
            // Local trials take a slot per rank; an executor that queues trials itself (Slurm) gives each trial its own allocation.
            var width = options.Executor.QueuesTrials ? 1 : ranks.PerNode;
            // Queued trials beyond the parallel limit share slots round the ring.
            IReadOnlyList<int>? slots = free.Count >= width ? [.. Enumerable.Range(0, width).Select(_ => free.Dequeue())]
                : unlimited ? [ready.Count % options.Parallel]
                : null;
            if (slots is null) break;
            Start(trial);
            ready.Add((trial, Launch(trial, slots, ranks)));
        }
        return ready;
    }

    /// <summary>
    /// The next trial to run, or null when there is none. A new proposal is kept as pending, so a trial that waits for
    /// slots is the same trial when they free.
    /// </summary>
    private TrialRecord? Peek()
    {
        if (Remaining <= 0) return null;
        var trial = state.Trials.Where(t => t.State == TrialState.Pending).OrderBy(t => t.Number).FirstOrDefault();
        if (trial is not null || Exhausted) return trial;
        var proposal = sampler.Next(state.Trials.OrderBy(t => t.Number).Select(t => t.ToTrial()).ToList());
        if (proposal is null)
        {
            Exhausted = true;
            return null;
        }
        trial = new TrialRecord { Number = state.Trials.Count, Params = proposal.ToDictionary(p => p.Key, p => p.Value) };
        state.Trials.Add(trial);
        return trial;
    }

    private static void Start(TrialRecord trial)
    {
        trial.State = TrialState.Running;
        trial.Attempts++;
        trial.Curve.Clear();
    }

    private TrialLaunch Launch(TrialRecord trial, IReadOnlyList<int> slots, TrialRanks ranks)
    {
        var folder = Path.Combine(state.Folder(options.ProjectFolder), $"trial-{trial.Number}");
        Directory.CreateDirectory(folder);
        var events = Path.Combine(folder, $"events-{trial.Attempts}.jsonl");
        var arguments = new List<string> { "fit", "--events", events, $"--tracking.run_name={state.Id}-trial-{trial.Number}",
            $"--tracking.tags=sweep.id={state.Id},sweep.trial={trial.Number}", $"--tracking.experiment={options.Experiment}",
            "--trainer.enable_model_summary=false" };
        if (state.ParentRunId is { } parent) arguments.Add($"--tracking.parent_run_id={parent}");
        arguments.AddRange(trial.Params.Select(p => $"--{p.Key}={Parameter.Format(p.Value)}"));
        var environment = decisionEpochs.Count == 0
            ? new Dictionary<string, string>()
            : new Dictionary<string, string>
            {
                [SweepTrialContract.DecisionEpochsVariable] = SweepTrialContract.FormatEpochs(decisionEpochs.Order()),
            };
        return new TrialLaunch(trial.Number, arguments, events, Path.Combine(folder, "output.log"), slots, ranks, environment);
    }
}
