namespace Lightning.Core.Tracking;

/// <summary>Records nothing (fast_dev_run and code that only wants a loop); checkpoints go under its folder.</summary>
public sealed class NullTracker(string runDirectory) : ITracker
{
    /// <inheritdoc />
    public string? RunId => null;
    /// <inheritdoc />
    public string RunDirectory { get; } = Path.GetFullPath(runDirectory);
    /// <inheritdoc />
    public string TrackingUri => "(none)";
    /// <inheritdoc />
    public void StartRun(RunStart start) { }
    /// <inheritdoc />
    public void LogMetrics(IReadOnlyList<MetricPoint> points) { }
    /// <inheritdoc />
    public void SetTag(string key, string value) { }
    /// <inheritdoc />
    public void LogArtifact(string localPath, string artifactPath) { }
    /// <inheritdoc />
    public void DeleteArtifact(string artifactPath) { }
    /// <inheritdoc />
    public void EndRun(RunStatus status, string? message = null) { }
    /// <inheritdoc />
    public bool TryReopenRun() => true;
    /// <inheritdoc />
    public void Flush(TimeSpan timeout) { }
    /// <inheritdoc />
    public void Dispose() { }
}
