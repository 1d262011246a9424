namespace Lightning.Sweeps.Running;

/// <summary>How a sweep ended.</summary>
/// <param name="Id">The sweep's id (for --resume).</param>
/// <param name="Finished">Trials that finished.</param>
/// <param name="Pruned">Trials the pruner stopped.</param>
/// <param name="Failed">Trials that failed.</param>
/// <param name="BestTrial">The best finished trial's number, or null.</param>
/// <param name="BestValue">Its metric value.</param>
/// <param name="BestParams">Its parameters.</param>
/// <param name="Stopped">Why the sweep stopped early, in words, or null.</param>
/// <param name="StopReason">Why the sweep stopped early, or null when it ran its planned trials.</param>
public sealed record SweepResult(string Id, int Finished, int Pruned, int Failed, int? BestTrial, double? BestValue,
    IReadOnlyDictionary<string, object> BestParams, string? Stopped, SweepStop? StopReason);
