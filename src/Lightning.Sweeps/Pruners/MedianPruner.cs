using Lightning.Sweeps.Samplers;

namespace Lightning.Sweeps.Pruners;

/// <summary>
/// Stops a trial whose best value so far is worse than the median of the finished trials' values at the same epoch;
/// it waits for <paramref name="startupTrials"/> finished trials and <paramref name="warmupEpochs"/> epochs (Optuna's defaults: 5 and 0).
/// </summary>
public sealed class MedianPruner(Goal goal, int startupTrials = 5, int warmupEpochs = 0) : IPruner
{
    /// <inheritdoc />
    public bool ShouldPrune(Trial trial, int epoch, IReadOnlyList<Trial> trials)
    {
        if (epoch <= warmupEpochs || !trial.Curve.ContainsKey(epoch)) return false;
        var others = trials.Where(t => t.Number != trial.Number && t.State == TrialState.Finished && t.Curve.ContainsKey(epoch))
            .Select(t => goal.Loss(t.Curve[epoch])).Order().ToList();
        if (others.Count < startupTrials) return false;
        var median = others.Count % 2 == 1 ? others[others.Count / 2] : (others[others.Count / 2 - 1] + others[others.Count / 2]) / 2;
        var best = trial.Curve.Where(p => p.Key <= epoch).Min(p => goal.Loss(p.Value));
        return best > median;
    }
}
