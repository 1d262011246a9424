namespace Lightning.Sweeps.Samplers;

/// <summary>
/// TPE's split of the trials into good and bad, as Optuna 3.6's TPESampler makes it: of the n finished and pruned
/// trials the best γ(n) = min(⌈0.1·n⌉, 25) are good, taken first from finished trials by value and only then from
/// pruned ones (those pruned at a later epoch first, then by their last value); the rest are bad, and with the
/// constant liar so are the trials still running. Both lists are in trial order, which the weights follow.
/// </summary>
/// <param name="Good">Trials the good density is fitted to.</param>
/// <param name="Bad">Trials the bad density is fitted to.</param>
/// <param name="Observed">Finished and pruned trials: the n of γ(n), and what the start-up count compares.</param>
internal sealed record TpeSplit(IReadOnlyList<Trial> Good, IReadOnlyList<Trial> Bad, int Observed)
{
    public static TpeSplit Of(IReadOnlyList<Trial> trials, Goal goal, bool constantLiar)
    {
        // A finished trial without a finite metric has nothing to rank by; like a failed one, it is left out.
        var finished = trials.Where(t => t.State == TrialState.Finished && t.Value is { } v && double.IsFinite(v))
            .OrderBy(t => goal.Loss(t.Value!.Value)).ToList();
        var pruned = trials.Where(t => t.State == TrialState.Pruned).OrderBy(t => PrunedRank(t, goal)).ToList();
        var running = constantLiar ? trials.Where(t => t.State is TrialState.Running or TrialState.Pending) : [];
        var observed = finished.Count + pruned.Count;
        var goodCount = Math.Min((int)Math.Ceiling(0.1 * observed), 25);
        var ranked = finished.Concat(pruned).ToList();
        return new TpeSplit(
            [.. ranked.Take(goodCount).OrderBy(t => t.Number)],
            [.. ranked.Skip(goodCount).Concat(running).OrderBy(t => t.Number)],
            observed);
    }

    /// <summary>
    /// Optuna's default weights for n observations in trial order: 1 each below 25; above, the newest 25 weigh 1 and
    /// the older ones ramp linearly from 1/n up to 1.
    /// </summary>
    public static double[] Weights(int n)
    {
        if (n < 25) return [.. Enumerable.Repeat(1.0, n)];
        var ramp = n - 25;
        return [.. Enumerable.Range(0, ramp).Select(i => ramp == 1 ? 1.0 / n : 1.0 / n + i * (1 - 1.0 / n) / (ramp - 1)),
            .. Enumerable.Repeat(1.0, 25)];
    }

    // Later epoch first, then the lower loss there; a pruned trial that reported nothing ranks last.
    private static (int, double) PrunedRank(Trial trial, Goal goal)
    {
        if (trial.Curve.Count == 0) return (1, 0);
        var epoch = trial.Curve.Keys.Max();
        var value = trial.Curve[epoch];
        return (-epoch, double.IsNaN(value) ? double.PositiveInfinity : goal.Loss(value));
    }
}
