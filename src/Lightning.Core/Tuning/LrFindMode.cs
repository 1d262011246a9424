namespace Lightning.Core.Tuning;

/// <summary>How the LR finder raises the learning rate from one step to the next, as Lightning's <c>mode</c>.</summary>
public enum LrFindMode
{
    /// <summary>By a constant factor: evenly spaced on a log axis (the default).</summary>
    Exponential,
    /// <summary>By a constant amount.</summary>
    Linear,
}
