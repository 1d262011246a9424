using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Stores;

/// <summary>Where MLflow runs are written: a tracking server (REST) or an <c>mlruns/</c> folder (file store).</summary>
public interface IRunStore : IDisposable
{
    /// <summary>The tracking URI, for people and events.</summary>
    string Uri { get; }

    /// <summary>Whether writes can fail transiently (a server), so the writer retries and spools.</summary>
    bool IsRemote { get; }

    /// <summary>Gets or creates the experiment and creates a run in it.</summary>
    RunHandle CreateRun(RunRequest request);

    /// <summary>Writes metrics, params and tags; the store splits them to fit its limits.</summary>
    void LogBatch(string runId, IReadOnlyList<MetricPoint> metrics, IReadOnlyList<KeyValuePair<string, string>> parameters, IReadOnlyList<KeyValuePair<string, string>> tags);

    /// <summary>Sets the run's status and end time.</summary>
    void UpdateRun(string runId, RunStatus status, long endTimeMs);

    /// <summary>Stores a local file as a run artifact (relative, '/'-separated path).</summary>
    void UploadArtifact(RunHandle run, string localPath, string artifactPath);

    /// <summary>Removes a run artifact; a missing one is not an error.</summary>
    void DeleteArtifact(RunHandle run, string artifactPath);

    /// <summary>Every logged point of one metric, so a replay can skip what the store already holds.</summary>
    IReadOnlyList<MetricPoint> MetricHistory(string runId, string key);

    /// <summary>A local folder for the run's checkpoints and spool.</summary>
    string LocalRunDirectory(RunHandle run);
}
