namespace Lightning.Sweeps.Samplers;

/// <summary>What samplers and pruners know of a trial: its parameters, its state, and the metric it reported per epoch.</summary>
/// <param name="Number">Trial number, from 0.</param>
/// <param name="Params">The sampled values by config key.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Curve">Metric value reported at the end of each epoch, by epoch (from 1).</param>
public sealed record Trial(int Number, IReadOnlyDictionary<string, object> Params, TrialState State, IReadOnlyDictionary<int, double> Curve)
{
    /// <summary>The final (last reported) metric value, if any.</summary>
    public double? Value => Curve.Count == 0 ? null : Curve[Curve.Keys.Max()];
}

/// <summary>The states of a trial.</summary>
public enum TrialState
{
    /// <summary>Planned, not started.</summary>
    Pending,
    /// <summary>Its process runs.</summary>
    Running,
    /// <summary>Finished normally.</summary>
    Finished,
    /// <summary>Stopped by the pruner.</summary>
    Pruned,
    /// <summary>Crashed or failed.</summary>
    Failed,
}
