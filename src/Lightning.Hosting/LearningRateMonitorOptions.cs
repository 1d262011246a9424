namespace Lightning.Hosting;

/// <summary>Section <c>callbacks.learning_rate_monitor</c>.</summary>
public sealed record LearningRateMonitorOptions
{
    /// <summary>Log the learning rate. Default false.</summary>
    public bool Enabled { get; init; }

    /// <summary>epoch (default) or step.</summary>
    public Core.Modules.SchedulerInterval LoggingInterval { get; init; } = Core.Modules.SchedulerInterval.Epoch;
}
