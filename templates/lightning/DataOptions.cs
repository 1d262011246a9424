using System.ComponentModel.DataAnnotations;

namespace ProjectIdentifier;

/// <summary>Section <c>data</c> of lightning.yaml: where the data is and how it is batched.</summary>
public sealed record DataOptions : IValidatableObject
{
    /// <summary>The sample data set's place: the only path that is generated when missing.</summary>
    public const string SamplePath = "data/train.csv";

    /// <summary>CSV file: feature columns, then the target in the last column, with a header row. Relative to the project folder.</summary>
    [Required]
    public string Path { get; init; } = SamplePath;

    /// <summary>Samples per batch.</summary>
    [Range(1, 1_000_000)]
    public int BatchSize { get; init; } = 32;

    /// <summary>Share of rows held out for validation (the same share again for test); the rest trains.</summary>
    [Range(0.0, 0.45)]
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Rows of the generated sample data set.</summary>
    [Range(10, 10_000_000)]
    public int GeneratedRows { get; init; } = 2000;

    /// <summary>A path other than the sample's must name an existing file: a typo must not train on sample data.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Path == SamplePath || File.Exists(Path)) yield break;
        if (Directory.Exists(Path))
        {
            yield return new ValidationResult("is a folder; data.path names a CSV file.", [nameof(Path)]);
            yield break;
        }
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        var nearby = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.csv").Select(System.IO.Path.GetFileName).Order().Take(5).ToList() : [];
        yield return new ValidationResult(
            $"no such file ({System.IO.Path.GetFullPath(Path)}). " +
            (nearby.Count > 0 ? $"CSV files in that folder: {string.Join(", ", nearby)}. " : "") +
            $"Only the default {SamplePath} is generated when missing.", [nameof(Path)]);
    }
}
