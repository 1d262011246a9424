using static TorchSharp.torch.optim;

namespace Lightning.Core.Modules;

/// <summary>What <c>ConfigureOptimizers</c> returns: one optimizer and, optionally, its scheduler.</summary>
/// <param name="Optimizer">The optimizer over the module's parameters.</param>
/// <param name="Scheduler">The learning-rate scheduler, or null.</param>
public sealed record OptimizerSetup(Optimizer Optimizer, SchedulerSetup? Scheduler = null)
{
    /// <summary>An optimizer without a scheduler.</summary>
    public static implicit operator OptimizerSetup(Optimizer optimizer) => new(optimizer);
}
