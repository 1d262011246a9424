namespace Lightning.Sweeps.Configuration;

/// <summary>sweep.yaml is invalid; every problem is listed, each naming the key and what is allowed.</summary>
public sealed class SweepConfigException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
