namespace Lightning.Core.Modules;

/// <summary>When the trainer steps a learning-rate scheduler.</summary>
public enum SchedulerInterval
{
    /// <summary>After every training epoch.</summary>
    Epoch,
    /// <summary>After every optimizer step.</summary>
    Step,
}
