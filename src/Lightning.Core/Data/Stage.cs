namespace Lightning.Core.Data;

/// <summary>What the trainer is about to run; passed to <see cref="LightningDataModule{TBatch}.Setup"/>.</summary>
public enum Stage
{
    /// <summary>Training with validation.</summary>
    Fit,
    /// <summary>Validation only.</summary>
    Validate,
    /// <summary>Testing.</summary>
    Test,
    /// <summary>Prediction.</summary>
    Predict,
}
