using Lightning.Core.Data;

namespace Lightning.Vision;

/// <summary>
/// The images of a folder with one subfolder per class, as torchvision's <c>ImageFolder</c> reads it: classes are the
/// subfolder names sorted ordinally, labels their positions, samples every PNG, JPEG, WebP and BMP file below each.
/// </summary>
/// <param name="Root">The scanned folder.</param>
/// <param name="Classes">Class names; a sample's label is an index into this list.</param>
/// <param name="Samples">Every image file with its label, in class order, then path order.</param>
public sealed record ImageFolder(string Root, IReadOnlyList<string> Classes, IReadOnlyList<ImageFile> Samples)
{
    /// <summary>File extensions read as images (compared ignoring case).</summary>
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>([".png", ".jpg", ".jpeg", ".webp", ".bmp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The classes and images under <paramref name="root"/>; a missing folder or empty class is a <see cref="DataException"/>.</summary>
    public static ImageFolder Scan(string root)
    {
        if (!Directory.Exists(root))
            throw new DataException($"No image folder at {Path.GetFullPath(root)}: it should hold one subfolder of images per class.");
        // Ordinal order, as torchvision sorts: the label of a class never depends on the machine's culture.
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            throw new DataException($"{Path.GetFullPath(root)} has no subfolders: put each class's images in a subfolder named after it.");
        var samples = new List<ImageFile>();
        for (var label = 0; label < classes.Count; label++)
        {
            var folder = Path.Combine(root, classes[label]);
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new DataException($"Class folder {Path.GetFullPath(folder)} has no images ({string.Join(", ", Extensions)}): " +
                    "add some or remove the folder.");
            samples.AddRange(files.Select(f => new ImageFile(f, label)));
        }
        return new ImageFolder(root, classes, samples);
    }

    /// <summary>The same folder restricted to the samples at <paramref name="indices"/> (a train or validation split).</summary>
    public ImageFolder Take(IEnumerable<int> indices) => this with { Samples = indices.Select(i => Samples[i]).ToList() };
}
