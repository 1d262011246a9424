namespace ProjectIdentifier;

/// <summary>Section <c>data</c> of lightning.yaml: where the data is and how it is batched.</summary>
public sealed record DataOptions
{
    /// <summary>CSV file: feature columns, then the target in the last column, with a header row. Generated when missing.</summary>
    public string Path { get; init; } = "data/train.csv";

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Share of rows held out for validation (the same share again for test).</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Rows of the generated sample data set.</summary>
    public int GeneratedRows { get; init; } = 2000;
}
