using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Running;

/// <summary>A trial as a live display shows it.</summary>
/// <param name="Number">Trial number.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Params">Its parameters.</param>
/// <param name="Value">Its latest metric value.</param>
/// <param name="Epochs">Epochs reported so far.</param>
public sealed record TrialSnapshot(int Number, TrialState State, IReadOnlyDictionary<string, object> Params, double? Value, int Epochs)
{
    internal static List<TrialSnapshot> Of(SweepState state) =>
        [.. state.Trials.OrderBy(t => t.Number).Select(t => new TrialSnapshot(t.Number, t.State, t.Params, t.Value, t.Curve.Count))];
}
