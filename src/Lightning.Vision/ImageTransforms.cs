namespace Lightning.Vision;

/// <summary>
/// What happens to a decoded image, in torchvision's order: resize, random crop, horizontal flip, then scaling to
/// [0, 1] and per-channel normalisation into a CHW float sample (<c>Resize</c>, <c>RandomCrop</c>,
/// <c>RandomHorizontalFlip</c>, <c>ToTensor</c>, <c>Normalize</c>). Unset steps are skipped.
/// </summary>
public sealed record ImageTransforms
{
    /// <summary>Resize every image to this size (bilinear), ignoring its aspect ratio. Null keeps the decoded size.</summary>
    public ImageSize? Resize { get; init; }

    /// <summary>Cut a window of this size at a random place (after the resize). Null keeps the whole image.</summary>
    public ImageSize? RandomCrop { get; init; }

    /// <summary>Chance of mirroring the image left to right. Default 0.</summary>
    public double HorizontalFlip { get; init; }

    /// <summary>Per-channel mean (R, G, B) subtracted after scaling to [0, 1]. Default 0.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0f, 0f, 0f];

    /// <summary>Per-channel standard deviation (R, G, B) divided by after the mean. Default 1.</summary>
    public IReadOnlyList<float> Std { get; init; } = [1f, 1f, 1f];

    /// <summary>ImageNet's channel statistics, the usual normalisation for pretrained models.</summary>
    public static ImageTransforms ImageNet { get; } = new() { Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] };

    internal void Check()
    {
        if (Mean.Count != 3 || Std.Count != 3)
            throw new ArgumentException($"Mean and Std take one value per channel (R, G, B); got {Mean.Count} and {Std.Count}.");
        if (Std.Any(s => s <= 0)) throw new ArgumentException("Every Std value must be above 0.");
        if (HorizontalFlip is < 0 or > 1) throw new ArgumentException($"HorizontalFlip is a probability (0..1); got {HorizontalFlip}.");
        foreach (var size in new[] { Resize, RandomCrop })
            if (size is { } s && (s.Width < 1 || s.Height < 1)) throw new ArgumentException($"Image sizes must be 1 or more; got {s}.");
    }
}
