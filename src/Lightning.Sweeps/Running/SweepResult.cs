namespace Lightning.Sweeps.Running;

/// <summary>How a sweep ended.</summary>
/// <param name="Id">The sweep's id (for --resume).</param>
/// <param name="Status">Whether it ran its planned trials, or why it stopped early.</param>
/// <param name="Finished">Trials that finished.</param>
/// <param name="Pruned">Trials the pruner stopped.</param>
/// <param name="Failed">Trials that failed.</param>
/// <param name="BestTrial">The best finished trial's number, or null.</param>
/// <param name="BestValue">Its metric value.</param>
/// <param name="BestParams">Its parameters.</param>
/// <param name="StopMessage">Why the sweep stopped early, in words; null when it completed.</param>
/// <param name="BestRunId">The best trial's tracking run, or null (no best trial, or its run is not known).</param>
public sealed record SweepResult(string Id, SweepStatus Status, int Finished, int Pruned, int Failed, int? BestTrial, double? BestValue,
    IReadOnlyDictionary<string, object> BestParams, string? StopMessage, string? BestRunId = null);
