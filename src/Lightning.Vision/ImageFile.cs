namespace Lightning.Vision;

/// <summary>One image of an <see cref="ImageFolder"/>.</summary>
/// <param name="Path">The file.</param>
/// <param name="Label">The index of its class.</param>
public sealed record ImageFile(string Path, long Label);
