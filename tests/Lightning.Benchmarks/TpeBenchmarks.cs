using Lightning.Sweeps.Samplers;

namespace Lightning.Benchmarks;

/// <summary>
/// TPE's sample efficiency against Optuna 3.6.2's TPESampler (defaults), whose median simple regrets issue 15 quotes:
/// the three objectives driven in-process (no training), 300 seeds × 50 trials, our median regret over Optuna's.
/// Sequential runs finish each trial before proposing the next; the parallel run keeps 4 trials in flight (each
/// proposal sees the other 3 running, then the oldest finishes), as <c>--parallel 4</c> does.
/// </summary>
public static class TpeBenchmarks
{
    private const int Seeds = 300;
    private const int Trials = 50;

    public static void Run(BenchReport report)
    {
        report.Note($"TPE against Optuna 3.6.2 TPESampler defaults: median simple regret over {Seeds} seeds, ours / Optuna's (issue 15)");
        foreach (var objective in TpeObjectives.All)
        {
            var curves = Regrets(objective, inFlight: 1);
            foreach (var (after, optuna) in new[] { (30, objective.Optuna30), (50, objective.Optuna50) })
            {
                var median = BenchReport.Median(curves.Select(c => c[after - 1]));
                report.Note($"{objective.Name} @{after}: our median regret {median:G4}, Optuna's {optuna:G4}");
                report.Figure($"tpe_regret_ratio_{objective.Name}_{after}", median / optuna);
            }
        }
        var training = TpeObjectives.Training;
        var parallel = BenchReport.Median(Regrets(training, inFlight: 4).Select(c => c[Trials - 1]));
        report.Note($"training @50 with 4 in flight: our median regret {parallel:G4}");
        report.Figure("tpe_parallel4_regret_ratio_training_50", parallel / training.Optuna50);
    }

    /// <summary>Per seed, the simple regret after each trial (best so far minus the optimum).</summary>
    private static double[][] Regrets(TpeObjective objective, int inFlight)
    {
        var curves = new double[Seeds][];
        Parallel.For(0, Seeds, seed => curves[seed] = Drive(objective, seed, inFlight));
        return curves;
    }

    private static double[] Drive(TpeObjective objective, int seed, int inFlight)
    {
        var sampler = new TpeSampler(objective.Space, Goal.Minimize, seed);
        var trials = new List<Trial>();
        var regrets = new double[Trials];
        var best = double.PositiveInfinity;
        var finished = 0;
        while (finished < Trials)
        {
            // Fill the slots (never beyond the planned trials), then finish the oldest running trial.
            while (trials.Count < Trials && trials.Count - finished < inFlight)
            {
                var proposal = sampler.Next(trials) ?? throw new InvalidOperationException("TPE proposed nothing.");
                trials.Add(new Trial(trials.Count, proposal, TrialState.Running, new Dictionary<int, double>()));
            }
            var oldest = trials[finished];
            var value = objective.Evaluate(oldest.Params);
            trials[finished] = oldest with { State = TrialState.Finished, Curve = new Dictionary<int, double> { [1] = value } };
            best = Math.Min(best, value);
            regrets[finished++] = best - objective.Optimum;
        }
        return regrets;
    }
}
