using Lightning.Sweeps.Pruners;
using Lightning.Sweeps.Samplers;

namespace Lightning.Sweeps.Tests;

public sealed class PrunerTests
{
    private sealed class Scripted
    {
        public List<Trial> Trials { get; } = [];

        /// <summary>
        /// Trial <paramref name="number"/> reports <paramref name="value"/> at <paramref name="epoch"/>; returns
        /// whether it is pruned.
        /// </summary>
        public bool Report(IPruner pruner, int number, int epoch, double value)
        {
            var old = Trials.FirstOrDefault(t => t.Number == number);
            var curve = new Dictionary<int, double>(old?.Curve ?? new Dictionary<int, double>()) { [epoch] = value };
            var trial = new Trial(number, new Dictionary<string, object>(), TrialState.Running, curve);
            if (old is not null) Trials.Remove(old);
            Trials.Add(trial);
            var pruned = pruner.ShouldPrune(trial, epoch, Trials);
            if (pruned) Finish(number, TrialState.Pruned);
            return pruned;
        }

        public void Finish(int number, TrialState state)
        {
            var trial = Trials.Single(t => t.Number == number);
            Trials[Trials.IndexOf(trial)] = trial with { State = state };
        }
    }

    [Theory]
    [InlineData(1, 3, new[] { 1, 3, 9, 27 })]
    [InlineData(2, 2, new[] { 2, 4, 8, 16 })]
    public void Asha_RungsFollowMinResourceAndEta(int minResource, int eta, int[] rungs)
    {
        var asha = new AshaPruner(Goal.Minimize, minResource, eta);
        Assert.Equal(rungs, Enumerable.Range(1, 30).Where(asha.IsRung));
    }

    [Fact]
    public void Asha_KeepsTheTopThirdAtEachRung()
    {
        var asha = new AshaPruner(Goal.Minimize, minResource: 1, reductionFactor: 3);
        var script = new Scripted();
        Assert.False(script.Report(asha, 0, 1, 1.0));  // alone at rung 1: the best so far goes on
        Assert.True(script.Report(asha, 1, 1, 2.0));   // [1.0, 2.0]: only the best of fewer than 3 goes on
        Assert.False(script.Report(asha, 2, 1, 0.5));  // new best
        Assert.True(script.Report(asha, 3, 1, 0.8));   // [0.5, 0.8, 1, 2]: top 4/3 = 1 → only 0.5
        Assert.False(script.Report(asha, 4, 1, 0.4));  // new best
        Assert.False(script.Report(asha, 5, 1, 0.45)); // [0.4, 0.45, 0.5, 0.8, 1, 2]: top 6/3 = 2 → 0.45 is in
        Assert.False(script.Report(asha, 0, 2, 9.0));  // epoch 2 is not a rung: never pruned there
        Assert.False(script.Report(asha, 2, 3, 0.3));  // alone at rung 3
        Assert.True(script.Report(asha, 0, 3, 0.9));   // [0.3, 0.9] at rung 3
        Assert.False(script.Report(asha, 4, 3, 0.2));  // new best at rung 3
    }

    [Fact]
    public void Asha_Bootstrap_WaitsForEnoughTrialsAtARung()
    {
        var asha = new AshaPruner(Goal.Minimize, minResource: 1, reductionFactor: 3, bootstrap: 3);
        var script = new Scripted();
        Assert.False(script.Report(asha, 0, 1, 1.0));
        Assert.False(script.Report(asha, 1, 1, 2.0)); // only 2 at the rung: not judged yet
        Assert.True(script.Report(asha, 2, 1, 3.0));  // 3 at the rung: top 1 of 3 is 1.0
    }

    [Fact]
    public void Asha_Maximize_KeepsTheHighest()
    {
        var asha = new AshaPruner(Goal.Maximize, minResource: 1, reductionFactor: 2);
        var script = new Scripted();
        Assert.False(script.Report(asha, 0, 1, 0.5));
        Assert.True(script.Report(asha, 1, 1, 0.4));
        Assert.False(script.Report(asha, 2, 1, 0.9));
    }

    [Fact]
    public void Median_WaitsForStartupTrials_ThenPrunesBelowTheMedian()
    {
        var median = new MedianPruner(Goal.Minimize, startupTrials: 2);
        var script = new Scripted();
        script.Report(median, 0, 1, 1.0);
        script.Finish(0, TrialState.Finished);
        Assert.False(script.Report(median, 1, 1, 5.0)); // one finished trial: too early
        script.Finish(1, TrialState.Finished);
        script.Report(median, 2, 1, 3.0);
        script.Finish(2, TrialState.Finished);
        Assert.True(script.Report(median, 3, 1, 4.0));  // finished at epoch 1: [1, 3, 5] → median 3
        Assert.False(script.Report(median, 4, 1, 2.0));
    }
}
