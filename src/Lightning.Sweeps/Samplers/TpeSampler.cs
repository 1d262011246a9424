using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Samplers;

/// <summary>
/// Tree-structured Parzen Estimator (Bergstra et al., 2011) as Optuna 3.6's <c>TPESampler(n_startup_trials=10,
/// n_ei_candidates=24, consider_endpoints=False, multivariate=False, constant_liar=True)</c> runs it: the first 10
/// trials are random; then trials are split into good and bad (<see cref="TpeSplit"/>), a Parzen density is fitted
/// to each for every parameter on its own, and of 24 candidates drawn from the good density the one with the highest
/// good/bad ratio wins. Trials still running count as bad (the constant liar: sequentially it changes nothing, in
/// parallel it spreads the workers out), and a proposal equal to a running trial is never returned: the next-best
/// candidates take its place.
/// </summary>
public sealed class TpeSampler(
    IReadOnlyList<Parameter> parameters, Goal goal, int seed, int startupTrials = 10, int candidates = 24, bool constantLiar = true) : ISampler
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, object>? Next(IReadOnlyList<Trial> trials)
    {
        var random = TrialRandom.For(seed, trials.Count);
        var running = trials.Where(t => t.State is TrialState.Running or TrialState.Pending).ToList();
        var split = TpeSplit.Of(trials, goal, constantLiar);
        if (split.Observed >= startupTrials)
        {
            var ranked = parameters.Select(p => Candidates(p, split, random)).ToList();
            if (BestUnlike(ranked, running) is { } proposal) return proposal;
        }
        return RandomUnlike(running, random);
    }

    /// <summary>The parameter's candidate values, distinct, best good/bad log ratio first, with that ratio.</summary>
    private List<(object Value, double Score)> Candidates(Parameter parameter, TpeSplit split, Random random)
    {
        IEnumerable<(object Value, double Score)> scored = parameter switch
        {
            Numeric numeric => NumericCandidates(numeric, split, random),
            Categorical categorical => CategoricalCandidates(categorical, split, random),
            _ => [(parameter.Sample(random), 0.0)],
        };
        return [.. scored.GroupBy(c => Normalize(c.Value)).Select(g => g.First()).OrderByDescending(c => c.Score)];
    }

    private IEnumerable<(object, double)> NumericCandidates(Numeric parameter, TpeSplit split, Random random)
    {
        var good = Fit(parameter, split.Good);
        var bad = Fit(parameter, split.Bad);
        return Enumerable.Range(0, candidates).Select(_ => good.Sample(random)).ToList()
            .Select(x => (parameter.FromInternal(x), good.LogDensity(x) - bad.LogDensity(x)));
    }

    private static Parzen Fit(Numeric parameter, IReadOnlyList<Trial> trials)
    {
        var values = trials.Where(t => t.Params.ContainsKey(parameter.Key)).Select(t => t.Params[parameter.Key]).ToList();
        return Parzen.For(parameter, values, TpeSplit.Weights(values.Count));
    }

    private IEnumerable<(object, double)> CategoricalCandidates(Categorical parameter, TpeSplit split, Random random)
    {
        var good = Fit(parameter, split.Good);
        var bad = Fit(parameter, split.Bad);
        return Enumerable.Range(0, candidates).Select(_ => good.Sample(random)).ToList()
            .Select(c => (parameter.Choices[c], good.LogDensity(c) - bad.LogDensity(c)));
    }

    private static CategoricalParzen Fit(Categorical parameter, IReadOnlyList<Trial> trials)
    {
        // A value no longer among the choices (a resumed sweep whose list changed) says nothing about them.
        var observed = trials.Where(t => t.Params.ContainsKey(parameter.Key)).Select(t => IndexOf(parameter, t.Params[parameter.Key]))
            .Where(i => i >= 0).ToArray();
        return new CategoricalParzen(observed, TpeSplit.Weights(observed.Length), parameter.Choices.Count);
    }

    /// <summary>
    /// The combination of candidates with the highest total score that no running trial has: best first over the
    /// candidates' ranks, so a duplicate gives way to the next-best value of the parameter that loses least by it.
    /// </summary>
    private IReadOnlyDictionary<string, object>? BestUnlike(List<List<(object Value, double Score)>> ranked, List<Trial> running)
    {
        var queue = new PriorityQueue<int[], double>();
        var seen = new HashSet<string>();
        queue.Enqueue(new int[ranked.Count], 0);
        for (var expanded = 0; expanded < 1000 && queue.TryDequeue(out var ranks, out var loss); expanded++)
        {
            var proposal = parameters.Select((p, i) => (p.Key, ranked[i][ranks[i]].Value)).ToDictionary(e => e.Key, e => e.Value);
            if (!running.Any(r => Same(r.Params, proposal))) return proposal;
            for (var i = 0; i < ranks.Length; i++)
            {
                if (ranks[i] + 1 >= ranked[i].Count) continue;
                int[] next = [.. ranks];
                next[i]++;
                if (seen.Add(string.Join(",", next)))
                    queue.Enqueue(next, loss + ranked[i][ranks[i]].Score - ranked[i][next[i]].Score);
            }
        }
        return null;
    }

    private IReadOnlyDictionary<string, object> RandomUnlike(List<Trial> running, Random random)
    {
        // Start-up draws, and the last resort when every candidate combination is running: redraw from the prior.
        var proposal = parameters.ToDictionary(p => p.Key, p => p.Sample(random));
        for (var attempt = 0; attempt < 100 && running.Any(r => Same(r.Params, proposal)); attempt++)
            proposal = parameters.ToDictionary(p => p.Key, p => p.Sample(random));
        return proposal;
    }

    private static int IndexOf(Categorical parameter, object value) =>
        parameter.Choices.ToList().FindIndex(c => Equals(Normalize(c), Normalize(value)));

    private static bool Same(IReadOnlyDictionary<string, object> a, IReadOnlyDictionary<string, object> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && Equals(Normalize(p.Value), Normalize(other)));

    private static object Normalize(object value) =>
        value is int or long or float or double ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) : value;
}
