using System.Text.Json.Nodes;
using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace ProjectIdentifier.Callbacks;

/// <summary>
/// An example of the hook API: callbacks get typed hooks (OnFitStart, OnTrainEpochEnd, OnValidationEnd, ...) with a
/// read-only view of the trainer. This one remembers the best validation loss and reports it when fit ends; it keeps
/// them in checkpoints, so a resumed fit reports the best of all its epochs, not only of those since the resume.
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

    public override JsonNode? StateDict() =>
        _bestEpoch < 0 ? null : new JsonObject { ["best_loss"] = _bestLoss, ["best_epoch"] = _bestEpoch };

    public override void LoadStateDict(JsonNode state)
    {
        _bestLoss = state["best_loss"]!.GetValue<double>();
        _bestEpoch = state["best_epoch"]!.GetValue<int>();
    }

    public override void OnFitEnd(ITrainerView trainer)
    {
        if (_bestEpoch >= 0)
            trainer.Output.WriteLine($"Best val_loss {_bestLoss:G4} at epoch {_bestEpoch + 1}; {trainer.GlobalStep} steps trained in all.");
    }
}
