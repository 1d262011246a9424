namespace Lightning.Sweeps.Executors;

/// <summary>What an executor starts: the app with its <c>fit</c> arguments, in the project folder, reporting to an events file.</summary>
/// <param name="Number">Trial number.</param>
/// <param name="Arguments">Arguments after the app (fit, overrides, --events).</param>
/// <param name="EventsPath">The events file the trial writes.</param>
/// <param name="LogPath">Where the trial's output goes.</param>
/// <param name="Slots">
/// Which of the parallel slots it holds: locally one per rank (<see cref="TrialRanks.PerNode"/>), which pick the GPUs when there are
/// several; one when the executor queues trials itself.
/// </param>
/// <param name="Ranks">The ranks it trains on, from the sweep's parameters or else the app's own configuration: every executor places these.</param>
/// <param name="Environment">Variables of the sweep-trial contract for the app (besides the trial number), e.g. the decision epochs.</param>
public sealed record TrialLaunch(int Number, IReadOnlyList<string> Arguments, string EventsPath, string LogPath, IReadOnlyList<int> Slots,
    TrialRanks Ranks, IReadOnlyDictionary<string, string>? Environment = null);
