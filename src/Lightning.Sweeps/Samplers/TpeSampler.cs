using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Samplers;

/// <summary>
/// Tree-structured Parzen Estimator (Bergstra et al., 2011), with the defaults Optuna uses: the first 10 trials are
/// random; then finished trials are split into the best γ(n) = min(⌈0.1·n⌉, 25) and the rest, a Parzen density is
/// fitted to each, and of 24 candidates drawn from the good density the one with the highest good/bad ratio wins.
/// Trials still running count as bad ("constant liar"), and a proposal equal to a running trial is never returned,
/// so parallel workers spread out.
/// </summary>
public sealed class TpeSampler(IReadOnlyList<Parameter> parameters, Goal goal, int seed, int startupTrials = 10, int candidates = 24) : ISampler
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, object>? Next(IReadOnlyList<Trial> trials)
    {
        var random = TrialRandom.For(seed, trials.Count);
        var done = trials.Where(t => t.State is TrialState.Finished or TrialState.Pruned && t.Value is { } v && double.IsFinite(v))
            .OrderBy(t => goal.Loss(t.Value!.Value)).ToList();
        var running = trials.Where(t => t.State is TrialState.Running or TrialState.Pending).ToList();
        if (done.Count < startupTrials) return Distinct(parameters.ToDictionary(p => p.Key, p => p.Sample(random)), running, random);

        var goodCount = Math.Max(1, Math.Min((int)Math.Ceiling(0.1 * done.Count), 25));
        var good = done.Take(goodCount).ToList();
        var bad = done.Skip(goodCount).Concat(running).ToList();
        var proposal = parameters.ToDictionary(p => p.Key, p => Propose(p, good, bad, random));
        return Distinct(proposal, running, random);
    }

    private IReadOnlyDictionary<string, object> Distinct(Dictionary<string, object> proposal, List<Trial> running, Random random)
    {
        // A duplicate of a running trial would measure the same thing twice: redraw from the prior instead.
        for (var attempt = 0; attempt < 100 && running.Any(r => Same(r.Params, proposal)); attempt++)
            proposal = parameters.ToDictionary(p => p.Key, p => p.Sample(random));
        return proposal;
    }

    private object Propose(Parameter parameter, List<Trial> good, List<Trial> bad, Random random) => parameter switch
    {
        Numeric numeric => ProposeNumeric(numeric, good, bad, random),
        Categorical categorical => ProposeCategorical(categorical, good, bad, random),
        Constant constant => constant.Value,
        _ => parameter.Sample(random),
    };

    private object ProposeNumeric(Numeric parameter, List<Trial> good, List<Trial> bad, Random random)
    {
        var low = parameter.InternalLow;
        var high = parameter.InternalHigh;
        var l = new Parzen(good.Select(t => parameter.ToInternal(t.Params[parameter.Key])).ToArray(), low, high);
        var g = new Parzen(bad.Select(t => parameter.ToInternal(t.Params[parameter.Key])).ToArray(), low, high);
        var best = Enumerable.Range(0, candidates).Select(_ => l.Sample(random))
            .MaxBy(x => l.LogDensity(x) - g.LogDensity(x));
        return parameter.FromInternal(best);
    }

    private object ProposeCategorical(Categorical parameter, List<Trial> good, List<Trial> bad, Random random)
    {
        var count = parameter.Choices.Count;
        double[] Weights(List<Trial> trials)
        {
            // One pseudo-observation per choice is the prior, so unseen choices keep some chance.
            var weights = Enumerable.Repeat(1.0, count).ToArray();
            foreach (var trial in trials)
            {
                var index = IndexOf(parameter, trial.Params[parameter.Key]);
                if (index >= 0) weights[index] += 1;
            }
            var total = weights.Sum();
            return weights.Select(w => w / total).ToArray();
        }
        var l = Weights(good);
        var g = Weights(bad);
        var drawn = Enumerable.Range(0, candidates).Select(_ => Draw(l, random));
        return parameter.Choices[drawn.MaxBy(i => Math.Log(l[i]) - Math.Log(g[i]))];
    }

    private static int Draw(double[] probabilities, Random random)
    {
        var u = random.NextDouble();
        for (var i = 0; i < probabilities.Length; i++)
        {
            u -= probabilities[i];
            if (u <= 0) return i;
        }
        return probabilities.Length - 1;
    }

    private static int IndexOf(Categorical parameter, object value) =>
        parameter.Choices.ToList().FindIndex(c => Equals(Normalize(c), Normalize(value)));

    private static bool Same(IReadOnlyDictionary<string, object> a, IReadOnlyDictionary<string, object> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && Equals(Normalize(p.Value), Normalize(other)));

    private static object Normalize(object value) =>
        value is int or long or float or double ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) : value;
}
