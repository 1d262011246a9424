using Lightning.Sweeps.Pruners;
using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Configuration;

/// <summary>A parsed <c>sweep.yaml</c>.</summary>
/// <param name="Method">grid, random or tpe.</param>
/// <param name="Metric">The metric to optimise, as the app logs it (e.g. val_loss).</param>
/// <param name="Goal">minimize or maximize.</param>
/// <param name="Parameters">The searched app config keys.</param>
/// <param name="EarlyTerminate">The pruner, or null.</param>
/// <param name="RunCap">Trials at most; null means the grid's size (grid) or an error (others).</param>
/// <param name="Seed">The sweep's seed.</param>
public sealed record SweepConfig(
    string Method, string Metric, Goal Goal, IReadOnlyList<Parameter> Parameters, EarlyTerminate? EarlyTerminate, int? RunCap, int Seed)
{
    /// <summary>The sampler this configuration names.</summary>
    public ISampler CreateSampler() => Method switch
    {
        "grid" => new GridSampler(Parameters),
        "random" => new RandomSampler(Parameters, Seed),
        _ => new TpeSampler(Parameters, Goal, Seed),
    };

    /// <summary>The pruner, or null for none.</summary>
    public IPruner? CreatePruner() => EarlyTerminate switch
    {
        null => null,
        { Type: "median" } median => new MedianPruner(Goal, median.StartupTrials, median.WarmupEpochs),
        var asha => new AshaPruner(Goal, asha.MinIter, asha.Eta, asha.Bootstrap),
    };
}

/// <summary><c>early_terminate</c>: asha (W&amp;B's hyperband stopping rule is the same rule) or median.</summary>
/// <param name="Type">asha, hyperband or median.</param>
/// <param name="MinIter">First rung, in epochs (asha).</param>
/// <param name="Eta">Reduction factor (asha).</param>
/// <param name="StartupTrials">Finished trials before pruning starts (median).</param>
/// <param name="WarmupEpochs">Epochs before a trial can be pruned (median).</param>
/// <param name="Bootstrap">Trials that must reach a rung before any is stopped there (asha). Default 0.</param>
public sealed record EarlyTerminate(string Type, int MinIter = 1, int Eta = 3, int StartupTrials = 5, int WarmupEpochs = 0, int Bootstrap = 0);
