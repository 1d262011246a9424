using Lightning.Core.Configuration;
namespace Lightning.Hosting.Configuration;

/// <summary>One configured value: its dotted key as written, the text (or list of texts), and where it came from.</summary>
/// <param name="Key">The key as the user wrote it, e.g. <c>trainer.maxEpochs</c>.</param>
/// <param name="Value">The scalar text, or null when <paramref name="Items"/> holds a list or the value is null.</param>
/// <param name="Items">The items of a list value, or null.</param>
/// <param name="Source">A file name, environment variable or argument.</param>
public sealed record ConfigEntry(string Key, string? Value, IReadOnlyList<string>? Items, string Source)
{
    /// <summary>The matching form of the key (<see cref="KeyNames.Normalize"/> per segment).</summary>
    public string NormalizedKey => string.Join('.', Key.Split('.').Select(KeyNames.Normalize));
}
