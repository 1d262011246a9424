using Lightning.Core.Callbacks;
using Lightning.Core.Tests.Support;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Callbacks;

/// <summary>Why a run stopped early is printed before the tracker's closing line, not after it.</summary>
public sealed class StopReasonOrderTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void EarlyStoppingReason_ComesBeforeTheTrackersClosingLine()
    {
        var output = new StringWriter();
        var stopper = new EarlyStopping(new EarlyStoppingOptions { Enabled = true, Monitor = "score", Patience = 1 });
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 5 }, [stopper], new ClosingLineTracker(_root.Path, output), output)
            .Fit(new ScriptedModule([1, 2, 3, 4, 5]), new RandomData());

        Assert.Equal(RunOutcome.Finished, result.Outcome);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Monitored metric score did not improve", lines[^2]);
        Assert.Equal("closing line", lines[^1].Trim());
    }

    /// <summary>Prints its closing line when the run ends, as the MLflow tracker does.</summary>
    private sealed class ClosingLineTracker(string root, TextWriter output) : ITracker
    {
        private readonly RecordingTracker _inner = new(root);
        public string? RunId => _inner.RunId;
        public string RunDirectory => _inner.RunDirectory;
        public string TrackingUri => _inner.TrackingUri;
        public void StartRun(RunStart start) => _inner.StartRun(start);
        public void LogMetrics(IReadOnlyList<MetricPoint> points) => _inner.LogMetrics(points);
        public void SetTag(string key, string value) => _inner.SetTag(key, value);
        public void LogArtifact(string localPath, string artifactPath) => _inner.LogArtifact(localPath, artifactPath);
        public void DeleteArtifact(string artifactPath) => _inner.DeleteArtifact(artifactPath);
        public void EndRun(RunStatus status, string? message = null) => output.WriteLine("closing line");
        public void Flush(TimeSpan timeout) { }
        public void Dispose() { }
    }
}
