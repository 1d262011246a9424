using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace Lightning.Hosting;

/// <summary>Tells <see cref="StopSignals"/> that the loop reached a step boundary after a signal and is stopping in order.</summary>
internal sealed class SignalHonoured(StopSignals signals) : Callback
{
    public override void OnInterrupt(ITrainerView trainer) => signals.Honoured();
}
