using Lightning.Hosting;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Running;

/// <summary>A trial the controller has started and follows until its process ends.</summary>
internal sealed class RunningTrial(TrialRecord trial, ITrialProcess process, EventsReader events, IReadOnlyList<int> slots)
{
    public TrialRecord Trial => trial;
    public ITrialProcess Process => process;
    public EventsReader Events => events;

    /// <summary>The slots (GPUs, CPU shares) it holds among the parallel ones: one per device it trains on.</summary>
    public IReadOnlyList<int> Slots => slots;

    /// <summary>Whether the pruner has stopped it: however it then ends, it was pruned.</summary>
    public bool Pruning { get; set; }
}
