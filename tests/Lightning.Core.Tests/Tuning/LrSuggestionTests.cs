using Lightning.Core.Tuning;

namespace Lightning.Core.Tests.Tuning;

/// <summary>The suggestion rule on curves whose steepest descent is known, and the schedule's ends.</summary>
public sealed class LrSuggestionTests
{
    private static readonly LrFindOptions Sweep = new() { MinLr = 1e-6, MaxLr = 1, NumTraining = 61 };

    [Fact]
    public void SteepestDescent_OfAnExponentialSweep_IsWhereTheLossFallsFastestPerDecade()
    {
        var lrs = Enumerable.Range(0, Sweep.NumTraining).Select(Sweep.LearningRateAt).ToArray();
        // A logistic in log10(lr) centred on 1e-2 falls fastest per decade at its centre, well inside the sweep.
        var losses = lrs.Select(lr => 1 / (1 + Math.Exp(3 * (Math.Log10(lr) + 2)))).ToArray();
        var index = LrSuggestion.SteepestDescent(lrs, losses);
        Assert.NotNull(index);
        Assert.Equal(1e-2, lrs[index!.Value], 9);
    }

    [Fact]
    public void FirstAndLastPoints_AndNonFiniteOnes_AreNeverSuggested()
    {
        var lrs = Enumerable.Range(0, 20).Select(i => Math.Pow(10, i / 4.0 - 5)).ToArray();
        var losses = lrs.Select((_, i) => 10.0 - i * 0.1).ToArray();
        losses[2] = -1000;              // a cliff among the skipped first points
        losses[^1] = -1000;             // and at the very end
        losses[15] = double.NaN;
        var index = LrSuggestion.SteepestDescent(lrs, losses)!.Value;
        Assert.InRange(index, LrSuggestion.SkipBegin, lrs.Length - 1 - LrSuggestion.SkipEnd);
        Assert.NotEqual(15, index);
    }

    [Fact]
    public void TooFewPoints_GiveNoSuggestion() =>
        Assert.Null(LrSuggestion.SteepestDescent([1e-3, 1e-2, 1e-1], [1.0, 0.5, 0.2]));

    [Fact]
    public void Schedule_RunsFromMinToMax_Exponentially()
    {
        Assert.Equal(1e-6, Sweep.LearningRateAt(0), 12);
        Assert.Equal(1, Sweep.LearningRateAt(60), 9);
        Assert.Equal(1e-3, Sweep.LearningRateAt(30), 9);
        Assert.Equal(0.5, (Sweep with { Mode = LrFindMode.Linear, MinLr = 0 + 1e-9 }).LearningRateAt(30), 6);
    }

    [Fact]
    public void SteepestDescent_OfALinearSweep_IsTakenPerUnitOfLearningRate()
    {
        var linear = Sweep with { Mode = LrFindMode.Linear, MinLr = 1e-3 };
        var lrs = Enumerable.Range(0, linear.NumTraining).Select(linear.LearningRateAt).ToArray();
        var losses = lrs.Select(lr => 1 / (1 + Math.Exp(20 * (lr - 0.6)))).ToArray();
        Assert.Equal(0.6, lrs[LrSuggestion.SteepestDescent(lrs, losses, LrFindMode.Linear)!.Value], 2);
    }
}
