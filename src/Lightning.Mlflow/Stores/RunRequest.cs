namespace Lightning.Mlflow.Stores;

/// <summary>What a store needs to create a run.</summary>
/// <param name="Experiment">Experiment name (created when missing).</param>
/// <param name="RunName">Run name.</param>
/// <param name="User">User id.</param>
/// <param name="StartTimeMs">Start time, Unix milliseconds.</param>
/// <param name="Tags">Run tags (system tags included).</param>
public sealed record RunRequest(string Experiment, string RunName, string User, long StartTimeMs, IReadOnlyDictionary<string, string> Tags);
