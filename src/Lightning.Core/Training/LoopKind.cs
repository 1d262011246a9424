namespace Lightning.Core.Training;

/// <summary>The loop a value is logged from; it sets the logging defaults.</summary>
public enum LoopKind
{
    /// <summary>The training loop.</summary>
    Train,
    /// <summary>Validation (also the sanity check).</summary>
    Validation,
    /// <summary>Testing.</summary>
    Test,
    /// <summary>Prediction (logging is not allowed).</summary>
    Predict,
}
