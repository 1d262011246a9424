namespace Lightning.Mlflow.Stores;

/// <summary>
/// What <c>dotnet lightning runs list|show</c> shows of a run, whichever store holds it; metrics are each one's latest
/// value, as the MLflow UI shows them.
/// </summary>
public sealed record RunSummary(
    string RunId, string ExperimentName, string RunName, string Status, long StartTimeMs,
    IReadOnlyDictionary<string, string> Params, IReadOnlyDictionary<string, string> Tags, IReadOnlyDictionary<string, double> LatestMetrics)
{
    /// <summary>The summary of a run of a file store.</summary>
    public static RunSummary From(StoredRun run) =>
        new(run.RunId, run.ExperimentName, run.RunName, run.Status, run.StartTimeMs, run.Params, run.Tags, run.LatestMetrics());
}

/// <summary>An artifact of a run: its path under the run's artifact root and its size in bytes.</summary>
public sealed record ArtifactEntry(string Path, long? Size);
