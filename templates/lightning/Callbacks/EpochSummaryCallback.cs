using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace ProjectIdentifier.Callbacks;

/// <summary>
/// An example of the hook API: callbacks get typed hooks (OnFitStart, OnTrainEpochEnd, OnValidationEnd, ...) with a
/// read-only view of the trainer. This one remembers the best validation loss and reports it when fit ends.
/// </summary>
public sealed class EpochSummaryCallback : Callback
{
    private double _bestLoss = double.PositiveInfinity;
    private int _bestEpoch = -1;

    public override void OnValidationEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics)
    {
        if (trainer.IsSanityChecking || !metrics.TryGetValue("val_loss", out var loss) || loss >= _bestLoss) return;
        _bestLoss = loss;
        _bestEpoch = trainer.CurrentEpoch;
    }

    public override void OnFitEnd(ITrainerView trainer)
    {
        if (_bestEpoch >= 0)
            trainer.Output.WriteLine($"Best val_loss {_bestLoss:G4} at epoch {_bestEpoch + 1}; {trainer.GlobalStep} steps trained in all.");
    }
}
