using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace Lightning.Hosting;

/// <summary>
/// In a sweep trial, holds training at each decision epoch (after its <c>epoch_end</c> event is written) until the
/// <see cref="DecisionGate"/> opens.
/// </summary>
internal sealed class DecisionGateCallback(DecisionGate gate, IReadOnlySet<int> epochs) : Callback
{
    public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics)
    {
        var epoch = trainer.CurrentEpoch + 1;
        if (epochs.Contains(epoch)) gate.Wait(epoch);
    }
}
