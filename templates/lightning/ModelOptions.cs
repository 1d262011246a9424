namespace ProjectIdentifier;

/// <summary>Section <c>model</c> of lightning.yaml: the hyperparameters of the model.</summary>
public sealed record ModelOptions
{
    /// <summary>Adam learning rate.</summary>
    public double Lr { get; init; } = 0.01;

    /// <summary>Units in each hidden layer.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Dropout between layers.</summary>
    public double Dropout { get; init; } = 0.1;
}
