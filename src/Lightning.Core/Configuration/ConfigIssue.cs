namespace Lightning.Core.Configuration;

/// <summary>One problem in the configuration: the key, the value as given, where it came from and what is allowed.</summary>
/// <param name="Key">Dotted key in snake_case, e.g. <c>trainer.max_epochs</c>.</param>
/// <param name="Value">The value as given, or null when the issue is not about a value (an unknown key);
/// <paramref name="Message"/> is then the whole sentence.</param>
/// <param name="Source">Where the value came from: a file, an environment variable, an argument, or "defaults".</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ConfigIssue(string Key, string? Value, string Source, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Value is null
        ? Message
        : $"Invalid value '{Value}' for '{Key}' (from {Source}): {Message}";
}
