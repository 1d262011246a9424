namespace Lightning.Core.Tracking;

/// <summary>What a tracker records when a run starts.</summary>
/// <param name="RunName">Display name; null lets the tracker choose.</param>
/// <param name="Params">The resolved configuration, flattened with '/' (<c>model/lr</c>).</param>
/// <param name="Tags">Tags such as <c>mlflow.source.name</c>.</param>
public sealed record RunStart(string? RunName, IReadOnlyDictionary<string, string> Params, IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>
    /// Set when the run resumes from a checkpoint that names the run which wrote it. A tracker whose store holds that
    /// run continues it (same id, status back to RUNNING, metrics at their steps); otherwise it starts a new run tagged
    /// <c>lightning.resumed_from</c>.
    /// </summary>
    public ResumedRun? ResumedFrom { get; init; }
}

/// <summary>The run a resumed checkpoint was written by.</summary>
/// <param name="RunId">The tracker's run id stored in the checkpoint.</param>
/// <param name="TrackingUri">The store that run lives in, as the tracker printed it.</param>
/// <param name="CheckpointPath">The checkpoint file resumed from.</param>
public sealed record ResumedRun(string RunId, string TrackingUri, string CheckpointPath)
{
    /// <summary>Tag that links a new run to the run it continues: <c>lightning.resumed_from</c>.</summary>
    public const string Tag = "lightning.resumed_from";

    /// <summary>The tag's value: the run id and the checkpoint.</summary>
    public string TagValue => $"{RunId} ({CheckpointPath})";
}
