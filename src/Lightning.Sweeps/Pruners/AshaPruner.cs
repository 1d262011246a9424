using Lightning.Sweeps.Samplers;

namespace Lightning.Sweeps.Pruners;

/// <summary>
/// Asynchronous successive halving (Li et al., 2020). Rungs sit at epochs <c>min_resource · η^k</c>. A trial that
/// reaches a rung continues only if its value is among the best 1/η of the values reported at that rung so far
/// (its own included); while fewer than η trials have reached the rung, only a trial that is the best so far goes on.
/// Decisions never wait for other trials, so parallel workers stay busy. With <c>bootstrap</c> n, nothing is stopped at
/// a rung until n trials have reached it (Optuna's bootstrap_count), so the first trials are not judged against too few.
/// </summary>
public sealed class AshaPruner(Goal goal, int minResource = 1, int reductionFactor = 3, int bootstrap = 0) : IPruner
{
    /// <summary>Whether <paramref name="epoch"/> is a rung.</summary>
    public bool IsRung(int epoch)
    {
        if (epoch < minResource) return false;
        for (long rung = minResource; rung <= epoch; rung *= reductionFactor)
            if (rung == epoch) return true;
        return false;
    }

    /// <inheritdoc />
    /// <remarks>Every rung: a trial that runs on past a rung before the decision is compute ASHA promised to save.</remarks>
    public IReadOnlyList<int> DecisionEpochs(int upTo)
    {
        var rungs = new List<int>();
        for (long rung = minResource; rung <= upTo; rung *= reductionFactor) rungs.Add((int)rung);
        return rungs;
    }

    /// <inheritdoc />
    public bool ShouldPrune(Trial trial, int epoch, IReadOnlyList<Trial> trials)
    {
        if (!IsRung(epoch) || !trial.Curve.TryGetValue(epoch, out var value)) return false;
        var competing = trials.Where(t => t.Number != trial.Number && t.Curve.ContainsKey(epoch))
            .Select(t => goal.Loss(t.Curve[epoch])).Append(goal.Loss(value)).Order().ToList();
        if (competing.Count < bootstrap) return false;
        var promoted = Math.Max(1, competing.Count / reductionFactor);
        return goal.Loss(value) > competing[promoted - 1];
    }
}
