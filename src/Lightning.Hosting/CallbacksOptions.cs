using Lightning.Core.Callbacks;

namespace Lightning.Hosting;

/// <summary>The built-in callbacks the app host configures. Section <c>callbacks</c>.</summary>
public sealed record CallbacksOptions
{
    /// <summary>Checkpointing (on by default).</summary>
    public ModelCheckpointOptions ModelCheckpoint { get; init; } = new();

    /// <summary>Early stopping (off unless <c>enabled: true</c>).</summary>
    public EarlyStoppingOptions EarlyStopping { get; init; } = new();

    /// <summary>Learning-rate logging (off by default).</summary>
    public LearningRateMonitorOptions LearningRateMonitor { get; init; } = new();

    /// <summary>Log samples/s and batches/s. Default false.</summary>
    public bool ThroughputMonitor { get; init; }

    /// <summary>The callbacks these options describe.</summary>
    public IEnumerable<Callback> Create()
    {
        if (EarlyStopping.Enabled) yield return new EarlyStopping(EarlyStopping);
        if (LearningRateMonitor.Enabled) yield return new LearningRateMonitor(LearningRateMonitor.LoggingInterval);
        if (ThroughputMonitor) yield return new ThroughputMonitor();
        if (ModelCheckpoint.Enabled) yield return new ModelCheckpoint(ModelCheckpoint);
    }
}
