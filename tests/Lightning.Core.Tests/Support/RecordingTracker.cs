using Lightning.Core.Tracking;

namespace Lightning.Core.Tests.Support;

/// <summary>Keeps what a trainer reports, in memory.</summary>
public sealed class RecordingTracker(string root) : ITracker
{
    public List<MetricPoint> Points { get; } = [];
    public List<(string Local, string Artifact)> Artifacts { get; } = [];
    public List<string> Deleted { get; } = [];
    public List<Lightning.Core.Data.DatasetDescription> Inputs { get; } = [];
    public RunStart? Start { get; private set; }
    public RunStatus? Status { get; private set; }
    public string? StatusMessage { get; private set; }
    public string? RunId => "recorded";
    public string RunDirectory { get; } = Path.Combine(root, "run");
    public string TrackingUri => "memory";
    public void StartRun(RunStart start) => Start = start;
    public void LogMetrics(IReadOnlyList<MetricPoint> points) => Points.AddRange(points);
    public void SetTag(string key, string value) { }
    public void LogArtifact(string localPath, string artifactPath) => Artifacts.Add((localPath, artifactPath));
    public void DeleteArtifact(string artifactPath) => Deleted.Add(artifactPath);
    public void EndRun(RunStatus status, string? message = null) => (Status, StatusMessage) = (status, message);
    public void LogInputs(IReadOnlyList<Lightning.Core.Data.DatasetDescription> inputs) => Inputs.AddRange(inputs);
    public void Flush(TimeSpan timeout) { }
    public void Dispose() { }
}
