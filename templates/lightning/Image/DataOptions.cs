using System.ComponentModel.DataAnnotations;

namespace ProjectIdentifier;

/// <summary>Section <c>data</c> of lightning.yaml: where the images are, how they are read and batched.</summary>
public sealed record DataOptions : IValidatableObject
{
    /// <summary>The sample image set's place: the only path that is generated when missing.</summary>
    public const string SamplePath = "data/shapes";

    /// <summary>A folder with one subfolder of images (PNG, JPEG, WebP, BMP) per class. Relative to the project folder.</summary>
    [Required]
    public string Path { get; init; } = SamplePath;

    /// <summary>Samples per batch.</summary>
    [Range(1, 1_000_000)]
    public int BatchSize { get; init; } = 32;

    /// <summary>Threads that decode and augment images while the model trains (0: on the training thread). Default half the cores.</summary>
    [Range(0, 256)]
    public int NumWorkers { get; init; } = Lightning.Core.Data.LoaderOptions.DefaultWorkers;

    /// <summary>Batches each worker may have ready ahead of the training step.</summary>
    [Range(1, 64)]
    public int PrefetchFactor { get; init; } = 2;

    /// <summary>Every image is resized to this many pixels square before it reaches the model.</summary>
    [Range(8, 4096)]
    public int ImageSize { get; init; } = 32;

    /// <summary>Share of images held out for validation (the same share again for test); the rest trains.</summary>
    [Range(0.0, 0.45)]
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Images of the generated sample set, spread evenly over its classes.</summary>
    [Range(30, 1_000_000)]
    public int GeneratedImages { get; init; } = 600;

    /// <summary>Skip unreadable or truncated images (each replaced by the next readable one) and report how many, instead of stopping.</summary>
    public bool SkipBadSamples { get; init; }

    /// <summary>A path other than the sample's must name an existing folder: a typo must not train on sample data.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Path == SamplePath || Directory.Exists(Path)) yield break;
        yield return new ValidationResult(File.Exists(Path)
            ? "is a file; data.path names a folder with one subfolder of images per class."
            : $"no such folder ({System.IO.Path.GetFullPath(Path)}). Only the default {SamplePath} is generated when missing.", [nameof(Path)]);
    }
}
