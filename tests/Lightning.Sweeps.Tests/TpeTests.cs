using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Tests;

/// <summary>TPE's parts as Optuna 3.6 defines them (issue 15), and the invariants of its proposals.</summary>
public sealed class TpeTests
{
    private static Trial Finished(int number, object choice, double value) =>
        new(number, new Dictionary<string, object> { ["model.width"] = choice }, TrialState.Finished, new Dictionary<int, double> { [1] = value });

    [Fact]
    public void KernelWidth_AfterOneGoodPoint_IsOptunasRule()
    {
        // With the prior's centre 0.5 as its one neighbour the gap is 0.2 (the bound at 0 is ignored), clipped up to
        // range / (1 + 2) = 1/3; the old rule (gap to the bound, no prior) gave 0.7.
        Assert.Equal(1.0 / 3, Parzen.Widths([0.3], 0, 1, 0).Single(), 12);
    }

    [Fact]
    public void KernelWidths_CountThePriorAsANeighbourAndIgnoreTheBounds()
    {
        // Sorted with the prior: 0.1, 0.2, 0.5 (prior), 0.9. Outermost points take the gap to their one neighbour
        // (0.1 and 0.4), the inner one the larger gap (0.3); the minimum is 1 / (3 + 2) = 0.2.
        Assert.Equal([0.2, 0.3, 0.4], Parzen.Widths([0.1, 0.2, 0.9], 0, 1, 0).Select(w => Math.Round(w, 12)));
        // A grid adds a step to the range: 0, 1, 4.5 (prior), 9 on 0..9 with step 1, clipped to at least 10 / 5 = 2.
        Assert.Equal([2.0, 3.5, 4.5], Parzen.Widths([0, 1, 9], 0, 9, 1));
    }

    [Fact]
    public void JointKernelWidths_AreScottsRuleClipped()
    {
        // 0.2 · 16^(−1/6) on [0, 1] with 16 observations of a 2-dimensional space; above the 1 / 18 minimum.
        Assert.Equal(0.2 * Math.Pow(16, -1.0 / 6), Parzen.JointWidths(16, 2, 0, 1, 0)[0], 12);
    }

    [Fact]
    public void LogDensity_IntegratesToOneOverTheBounds()
    {
        // Points near the bounds, where an untruncated kernel loses much of its mass outside.
        var kernels = new Parzen([0.01, 0.97, 0.5], Parzen.Widths([0.01, 0.97, 0.5], 0, 1, 0), 0, 1, 0);
        var density = new ParzenMixture([kernels], TpeSplit.Weights(3));
        const int Steps = 20000;
        var integral = Enumerable.Range(0, Steps + 1)
            .Sum(i => Math.Exp(density.LogDensity([(double)i / Steps])) * (i is 0 or Steps ? 0.5 : 1) / Steps);
        Assert.Equal(1, integral, 3);
    }

    [Fact]
    public void LogDensity_OnAGrid_SumsToOne()
    {
        var parameter = new Numeric("model.hidden", 16, 64, IsInteger: true);
        var density = new ParzenMixture([Parzen.For(parameter, [16L, 17L, 64L])], TpeSplit.Weights(3));
        Assert.Equal(1, Enumerable.Range(16, 49).Sum(h => Math.Exp(density.LogDensity([h]))), 6);
    }

    [Fact]
    public void TruncatedNormal_LogMass_MatchesTheNormalTableAndKeepsFarTails()
    {
        Assert.Equal(Math.Log(0.682689492), TruncatedNormal.LogMass(-1, 1), 6);
        Assert.Equal(Math.Log(0.135905122), TruncatedNormal.LogMass(1, 2), 6);
        // P(30 < Z < 31) ≈ φ(30)/30: far below double's smallest number, still finite in log space.
        Assert.Equal(-450 - 0.5 * Math.Log(2 * Math.PI) - Math.Log(30), TruncatedNormal.LogMass(30, 31), 2);
    }

    [Fact]
    public void CategoricalKernel_SpreadsThePriorWeightAsOptunaDoes()
    {
        // One observation of choice 0 of 3: its kernel (1/2 + 1, 1/2, 1/2) / 2.5 and the uniform prior, weighed 1 each.
        var density = new ParzenMixture([new CategoricalParzen([0], 3)], TpeSplit.Weights(1));
        Assert.Equal(0.5 * 0.6 + 0.5 / 3, Math.Exp(density.LogDensity([0])), 12);
        Assert.Equal(0.5 * 0.2 + 0.5 / 3, Math.Exp(density.LogDensity([2])), 12);
    }

    [Fact]
    public void Weights_RampOlderObservationsFrom25On()
    {
        Assert.All(TpeSplit.Weights(24), w => Assert.Equal(1, w));
        var weights = TpeSplit.Weights(30);
        Assert.Equal(30, weights.Length);
        Assert.Equal(1.0 / 30, weights[0], 12);
        Assert.Equal(1.0, weights[4], 12);
        Assert.All(weights.Skip(5), w => Assert.Equal(1, w));
    }

    [Fact]
    public void Split_RanksPrunedTrialsAfterCompletedOnes()
    {
        var trials = Enumerable.Range(0, 10).Select(i => Finished(i, 1L, 1 + i)).ToList();
        // Pruned early with a value better than any finished trial: still not good while finished trials fill γ.
        var pruned = new Trial(10, new Dictionary<string, object> { ["model.width"] = 2L }, TrialState.Pruned,
            new Dictionary<int, double> { [1] = 0 });
        var split = TpeSplit.Of([.. trials, pruned], Goal.Minimize, constantLiar: false);
        Assert.Equal(11, split.Observed);
        Assert.Equal([0, 1], split.Good.Select(t => t.Number));
        Assert.Contains(split.Bad, t => t.Number == 10);
    }

    [Fact]
    public void Split_PrunedTrialsRankByTheirLastEpochFirst()
    {
        Trial Pruned(int number, int epochs, double value) => new(number, new Dictionary<string, object>(), TrialState.Pruned,
            Enumerable.Range(1, epochs).ToDictionary(e => e, _ => value));
        // γ(3) = 1 good trial: the one pruned at epoch 3 outranks the better value pruned at epoch 1.
        var split = TpeSplit.Of([Pruned(0, 1, 0.1), Pruned(1, 3, 0.9), Pruned(2, 2, 0.5)], Goal.Minimize, constantLiar: false);
        Assert.Equal([1], split.Good.Select(t => t.Number));
    }

    [Fact]
    public void Split_TheLiarCountsRunningTrialsAsBad_ButNotInGamma()
    {
        var finished = Enumerable.Range(0, 10).Select(i => Finished(i, 1L, i)).ToList();
        var running = new Trial(10, new Dictionary<string, object> { ["model.width"] = 1L }, TrialState.Running, new Dictionary<int, double>());
        var lying = TpeSplit.Of([.. finished, running], Goal.Minimize, constantLiar: true);
        Assert.Equal(10, lying.Observed);
        Assert.Single(lying.Good);
        Assert.Contains(lying.Bad, t => t.Number == 10);
        Assert.DoesNotContain(TpeSplit.Of([.. finished, running], Goal.Minimize, constantLiar: false).Bad, t => t.Number == 10);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Tpe_ADuplicateOfARunningTrial_GivesWayToTheNextBestCandidate(bool multivariate)
    {
        var space = new Parameter[] { new Categorical("model.width", [0L, 1L, 2L]) };
        // Choice 0 is best twice; choice 1 once in the bad set, choice 2 many times: 1 is next best, not a coin flip.
        long[] choices = [0, 0, 1, .. Enumerable.Repeat(2L, 17)];
        var finished = choices.Select((c, i) => Finished(i, c, c == 0 ? i * 0.1 : 5 + c)).ToList();
        var running = new Trial(20, new Dictionary<string, object> { ["model.width"] = 0L }, TrialState.Running, new Dictionary<int, double>());
        for (var seed = 0; seed < 30; seed++)
        {
            var sampler = new TpeSampler(space, Goal.Minimize, seed, constantLiar: false, multivariate: multivariate);
            Assert.Equal(1L, sampler.Next([.. finished, running])!["model.width"]);
        }
    }

    private static readonly Parameter[] RichSpace =
    [
        new Numeric("model.lr", 1e-6, 1, Log: true),
        new Numeric("model.hidden", 16, 512, IsInteger: true),
        new Numeric("model.dropout", 0, 0.5, Step: 0.05),
        new Numeric("model.decay", 0, 1),
        new Categorical("data.batch_size", [16L, 32L, 64L, 128L]),
        new Categorical("model.activation", ["relu", "gelu"]),
        new Constant("trainer.threads", 1L),
    ];

    // Best at lr = 1e-4, hidden 300, dropout 0.2, decay 0.9, batch 32, gelu.
    private static double Rich(IReadOnlyDictionary<string, object> p) =>
        Math.Pow(Math.Log10((double)p["model.lr"]) + 4, 2) + Math.Pow(((long)p["model.hidden"] - 300) / 100.0, 2)
        + Math.Abs((double)p["model.dropout"] - 0.2) + Math.Abs((double)p["model.decay"] - 0.9)
        + ((long)p["data.batch_size"] == 32 ? 0 : 0.5) + ((string)p["model.activation"] == "gelu" ? 0 : 0.5);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Tpe_Proposals_KeepBoundsTypesChoicesAndLogScale_AndNeverRepeat(bool multivariate)
    {
        for (var seed = 0; seed < 4; seed++)
        {
            var sampler = new TpeSampler(RichSpace, Goal.Minimize, seed, multivariate: multivariate);
            var trials = new List<Trial>();
            for (var finished = 0; finished < 60; finished++)
            {
                // Two in flight, as --parallel 2 runs them: each proposal sees the other one running.
                while (trials.Count < 60 && trials.Count - finished < 2)
                    trials.Add(new Trial(trials.Count, sampler.Next(trials)!, TrialState.Running, new Dictionary<int, double>()));
                var done = trials[finished];
                trials[finished] = done with { State = TrialState.Finished, Curve = new Dictionary<int, double> { [1] = Rich(done.Params) } };
            }
            foreach (var p in trials.Select(t => t.Params))
            {
                Assert.InRange(Assert.IsType<double>(p["model.lr"]), 1e-6, 1);
                Assert.InRange(Assert.IsType<long>(p["model.hidden"]), 16, 512);
                var dropout = Assert.IsType<double>(p["model.dropout"]);
                Assert.InRange(dropout, 0, 0.5);
                Assert.Equal(Math.Round(dropout / 0.05) * 0.05, dropout, 12);
                Assert.InRange(Assert.IsType<double>(p["model.decay"]), 0, 1);
                Assert.Contains(p["data.batch_size"], new object[] { 16L, 32L, 64L, 128L });
                Assert.Contains(p["model.activation"], new object[] { "relu", "gelu" });
                Assert.Equal(1L, p["trainer.threads"]);
            }
            Assert.Equal(60, trials.Select(t => string.Join(",", t.Params.Values.Select(Parameter.Format))).Distinct().Count());
            // Log scale: the last proposals gather within a decade of 1e-4, 4 decades from the range's linear middle.
            var lr = trials.Skip(40).Select(t => Math.Log10((double)t.Params["model.lr"])).Order().ElementAt(10);
            Assert.InRange(lr, -5, -3);
        }
    }
}
