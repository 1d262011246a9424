using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Tests;

public sealed class SamplerTests
{
    private static readonly Parameter[] Space =
    [
        new Numeric("model.lr", 1e-5, 1e-1, Log: true),
        new Numeric("model.hidden_size", 16, 256, IsInteger: true),
        new Categorical("data.batch_size", [16L, 32L, 64L]),
    ];

    private static List<Trial> Run(ISampler sampler, int count, Func<IReadOnlyDictionary<string, object>, double> objective)
    {
        var trials = new List<Trial>();
        for (var i = 0; i < count; i++)
        {
            var proposal = sampler.Next(trials)!;
            trials.Add(new Trial(i, proposal, TrialState.Finished, new Dictionary<int, double> { [1] = objective(proposal) }));
        }
        return trials;
    }

    [Fact]
    public void Grid_CoversTheProductExactlyOnce()
    {
        var grid = new GridSampler([
            new Categorical("model.lr", [0.1, 0.01, 0.001]), new Categorical("model.hidden_size", [32L, 64L]), new Constant("data.batch_size", 16L)]);
        Assert.Equal(6, grid.Size);
        var seen = new List<string>();
        var trials = new List<Trial>();
        while (grid.Next(trials) is { } proposal)
        {
            seen.Add(string.Join(",", proposal.Select(p => $"{p.Key}={p.Value}")));
            trials.Add(new Trial(trials.Count, proposal, TrialState.Finished, new Dictionary<int, double>()));
        }
        Assert.Equal(6, seen.Count);
        Assert.Equal(6, seen.Distinct().Count());
        Assert.All(seen, s => Assert.Contains("data.batch_size=16", s));
    }

    [Fact]
    public void Grid_RefusesARange() =>
        Assert.Contains("'model.lr' is a range", Assert.Throws<ArgumentException>(() => new GridSampler([new Numeric("model.lr", 0, 1)])).Message);

    [Fact]
    public void Random_WithOneSeedRepeatsExactly_AndStaysInBounds()
    {
        static double Zero(IReadOnlyDictionary<string, object> _) => 0;
        var first = Run(new RandomSampler(Space, seed: 7), 50, Zero).Select(t => string.Join(",", t.Params.Values.Select(Parameter.Format))).ToList();
        var again = Run(new RandomSampler(Space, seed: 7), 50, Zero).Select(t => string.Join(",", t.Params.Values.Select(Parameter.Format))).ToList();
        var other = Run(new RandomSampler(Space, seed: 8), 50, Zero).Select(t => string.Join(",", t.Params.Values.Select(Parameter.Format))).ToList();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        foreach (var trial in Run(new RandomSampler(Space, seed: 3), 200, Zero))
        {
            Assert.InRange((double)trial.Params["model.lr"], 1e-5, 1e-1);
            Assert.InRange((long)trial.Params["model.hidden_size"], 16, 256);
            Assert.Contains(trial.Params["data.batch_size"], new object[] { 16L, 32L, 64L });
        }
    }

    [Fact]
    public void Random_IsTheSameInEveryProcess()
    {
        // Pinned values: a seed must give the same trials on another run, machine or .NET version of the same major.
        var first = new RandomSampler(Space, seed: 7).Next([])!;
        Assert.Equal("3.086659800036634E-05,34,64", string.Join(",", first.Values.Select(Parameter.Format)));
    }

    [Fact]
    public void QuantisedAndLogRanges_AreRespected()
    {
        var random = new Random(1);
        var quantised = new Numeric("model.dropout", 0, 0.5, Step: 0.1);
        var log = new Numeric("model.lr", 1e-4, 1e-1, Log: true);
        for (var i = 0; i < 100; i++)
        {
            var q = (double)quantised.Sample(random);
            Assert.Equal(Math.Round(q * 10) / 10, q, 12);
            Assert.InRange((double)log.Sample(random), 1e-4, 1e-1);
        }
    }

    // A known synthetic objective: best at lr = 10^-2.5, hidden 96, batch 32 (value 0).
    private static double Objective(IReadOnlyDictionary<string, object> p) =>
        Math.Pow(Math.Log10((double)p["model.lr"]) + 2.5, 2) + Math.Pow(((long)p["model.hidden_size"] - 96) / 64.0, 2)
        + ((long)p["data.batch_size"] == 32 ? 0 : 0.3);

    [Fact]
    public void Tpe_FindsBetterValuesThanRandom_AveragedOverSeeds()
    {
        var seeds = Enumerable.Range(1, 12).ToArray();
        var tpe = seeds.Average(s => Run(new TpeSampler(Space, Goal.Minimize, s), 40, Objective).Min(t => t.Value!.Value));
        var random = seeds.Average(s => Run(new RandomSampler(Space, s), 40, Objective).Min(t => t.Value!.Value));
        // Margin: TPE's mean best must be at most 60 % of random search's; measured 0.130 against 0.326 (40 %).
        Assert.True(tpe <= 0.6 * random, $"TPE mean best {tpe:G4}, random mean best {random:G4}");
    }

    [Fact]
    public void Tpe_Maximize_ClimbsInstead()
    {
        var best = Run(new TpeSampler(Space, Goal.Maximize, 5), 40, p => -Objective(p)).Max(t => t.Value!.Value);
        var random = Run(new RandomSampler(Space, 5), 40, p => -Objective(p)).Max(t => t.Value!.Value);
        Assert.True(best >= random, $"TPE best {best:G4}, random best {random:G4}");
    }

    [Fact]
    public void Tpe_NeverProposesWhatIsAlreadyRunning()
    {
        var space = new Parameter[] { new Categorical("model.width", [1L, 2L, 3L]) };
        for (var seed = 0; seed < 50; seed++)
        {
            var finished = Enumerable.Range(0, 12).Select(i => new Trial(i, new Dictionary<string, object> { ["model.width"] = 1L + i % 3 },
                TrialState.Finished, new Dictionary<int, double> { [1] = i % 3 })).ToList();
            var running = new[] { 1L, 2L }.Select((w, i) => new Trial(12 + i, new Dictionary<string, object> { ["model.width"] = w },
                TrialState.Running, new Dictionary<int, double>()));
            var proposal = new TpeSampler(space, Goal.Minimize, seed).Next([.. finished, .. running])!;
            Assert.Equal(3L, proposal["model.width"]);
        }
    }
}
