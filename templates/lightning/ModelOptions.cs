using System.ComponentModel.DataAnnotations;

namespace ProjectIdentifier;

/// <summary>Section <c>model</c> of lightning.yaml: the hyperparameters of the model. The attributes are checked before anything starts.</summary>
public sealed record ModelOptions
{
    /// <summary>Adam learning rate.</summary>
    [Range(0.0, 10.0, MinimumIsExclusive = true)]
#if (task == image)
    // Lower than the MLP's: with batch norm, a larger step makes the validation accuracy swing from epoch to epoch.
    public double Lr { get; init; } = 0.003;
#else
    public double Lr { get; init; } = 0.01;
#endif

    /// <summary>Units in each hidden layer.</summary>
    [Range(1, 65_536)]
    public int HiddenSize { get; init; } = 64;

    /// <summary>Dropout between layers: the share of units zeroed in training.</summary>
    [Range(0.0, 1.0, MaximumIsExclusive = true)]
    public double Dropout { get; init; } = 0.1;
}
