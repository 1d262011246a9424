using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace Lightning.Hosting;

/// <summary>In a sweep trial, a stop request is the pruner's: the run is tagged <c>sweep.state=pruned</c> before it ends.</summary>
internal sealed class PrunedTagCallback : Callback
{
    public override void OnInterrupt(ITrainerView trainer) => trainer.Tracker.SetTag("sweep.state", "pruned");
}
