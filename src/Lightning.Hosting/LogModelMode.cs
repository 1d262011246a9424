namespace Lightning.Hosting;

/// <summary>Which checkpoint a successful fit logs as the run's model (<c>tracking.log_model</c>).</summary>
public enum LogModelMode
{
    /// <summary>The best checkpoint the model checkpoint callback kept (its last one when nothing is monitored).</summary>
    Best,
    /// <summary>The newest checkpoint.</summary>
    Last,
    /// <summary>No model is logged.</summary>
    None,
}
