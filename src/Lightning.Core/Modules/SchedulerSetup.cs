using static TorchSharp.torch.optim.lr_scheduler;

namespace Lightning.Core.Modules;

/// <summary>A learning-rate scheduler and when the trainer steps it.</summary>
/// <param name="Scheduler">The scheduler, built on the optimizer it drives.</param>
/// <param name="Interval">Step after each epoch (default) or each optimizer step.</param>
/// <param name="Frequency">Step every this many intervals. Default 1.</param>
/// <param name="Monitor">A logged metric passed to the scheduler (ReduceLROnPlateau); null for none.</param>
public sealed record SchedulerSetup(
    LRScheduler Scheduler, SchedulerInterval Interval = SchedulerInterval.Epoch, int Frequency = 1, string? Monitor = null)
{
    /// <summary>Step every this many intervals, 1 or more: checked here, so a 0 fails in ConfigureOptimizers, not an epoch later.</summary>
    public int Frequency { get; init; } = Frequency >= 1
        ? Frequency
        : throw new ArgumentException($"A scheduler's Frequency must be 1 or more (step every n intervals); got {Frequency}.");
}
