namespace Lightning.Core.Metrics;

/// <summary>How classification predictions are read.</summary>
public enum ClassificationTask
{
    /// <summary>Predictions are probabilities of class 1, shape [N]; 0.5 is the threshold.</summary>
    Binary,
    /// <summary>Predictions are scores of shape [N, C] (argmax wins) or labels of shape [N].</summary>
    Multiclass,
}
