namespace Lightning.Core.Configuration;

/// <summary>The configuration is invalid; <see cref="Issues"/> lists every problem found, and nothing was started.</summary>
public sealed class LightningConfigException(IReadOnlyList<ConfigIssue> issues)
    : Exception(string.Join(Environment.NewLine, issues.Select(i => i.ToString())))
{
    /// <summary>Every problem, in the order found.</summary>
    public IReadOnlyList<ConfigIssue> Issues { get; } = issues;
}
