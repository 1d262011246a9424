using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Running;

/// <summary>The fail-fast rule: when the first trials all failed, something every trial shares is broken, and the sweep stops.</summary>
internal sealed class FailFast(int count)
{
    /// <summary>Whether the first trials (as many as the rule counts, or all planned when fewer) have all failed.</summary>
    public bool Tripped(SweepState state)
    {
        var first = state.Trials.OrderBy(t => t.Number).Take(Math.Min(count, state.Planned)).ToList();
        return first.Count == Math.Min(count, state.Planned) && first.All(t => t.State == TrialState.Failed);
    }

    /// <summary>The rule in words, with the true count: fewer trials than the rule's count are planned, or one.</summary>
    public string Describe(int planned)
    {
        var failed = Math.Min(count, planned);
        return failed == 1 ? planned == 1 ? "the only trial failed" : "the first trial failed"
            : failed == planned ? $"all {failed} trials failed" : $"the first {failed} trials all failed";
    }
}
