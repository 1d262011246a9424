namespace Lightning.Core.Data;

/// <summary>What a run trained, validated or tested on, as MLflow's "Datasets used" shows it.</summary>
/// <param name="Name">The data set's name (train, validation and test sets need different names or digests: MLflow keeps one per pair).</param>
/// <param name="Source">Where it comes from: a file path or a URI (<c>https://…</c>, <c>s3://…</c>).</param>
/// <param name="Digest">A short hash of the content (at most 36 characters), so a changed file shows as another data set.</param>
/// <param name="Context">Which loop reads it.</param>
public sealed record DatasetDescription(string Name, string Source, string Digest, DatasetContext Context)
{
    /// <summary>Rows (samples), when known.</summary>
    public long? Rows { get; init; }

    /// <summary>The columns, in order; empty when unknown.</summary>
    public IReadOnlyList<DatasetColumn> Schema { get; init; } = [];
}

/// <summary>One column of a data set: its name and MLflow's type name (<c>double</c>, <c>float</c>, <c>long</c>, <c>string</c>…).</summary>
public sealed record DatasetColumn(string Name, string Type);

/// <summary>Which loop reads a data set; MLflow records it as the input tag <c>mlflow.data.context</c>.</summary>
public enum DatasetContext
{
    /// <summary>The training loop (<c>training</c>).</summary>
    Training,
    /// <summary>The validation loop (<c>validation</c>).</summary>
    Validation,
    /// <summary>The test loop (<c>test</c>).</summary>
    Test,
}
