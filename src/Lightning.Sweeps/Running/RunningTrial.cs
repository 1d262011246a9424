using Lightning.Hosting;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Running;

/// <summary>A trial the controller has started and follows until its process ends.</summary>
internal sealed class RunningTrial(TrialRecord trial, ITrialProcess process, EventsReader events, int slot)
{
    public TrialRecord Trial => trial;
    public ITrialProcess Process => process;
    public EventsReader Events => events;

    /// <summary>The slot (a GPU, a CPU share) it holds among the parallel ones.</summary>
    public int Slot => slot;

    /// <summary>Whether the pruner has stopped it: however it then ends, it was pruned.</summary>
    public bool Pruning { get; set; }
}
