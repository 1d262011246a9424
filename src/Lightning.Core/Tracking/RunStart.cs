namespace Lightning.Core.Tracking;

/// <summary>What a tracker records when a run starts.</summary>
/// <param name="RunName">Display name; null lets the tracker choose.</param>
/// <param name="Params">The resolved configuration, flattened with '/' (<c>model/lr</c>).</param>
/// <param name="Tags">Tags such as <c>mlflow.source.name</c>.</param>
public sealed record RunStart(string? RunName, IReadOnlyDictionary<string, string> Params, IReadOnlyDictionary<string, string> Tags);
