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
    void LogBatch(
        string runId, IReadOnlyList<MetricPoint> metrics, IReadOnlyList<KeyValuePair<string, string>> parameters,
        IReadOnlyList<KeyValuePair<string, string>> tags);

    /// <summary>
    /// Records a logged model (the MLmodel dict as JSON, <paramref name="modelJson"/>) after its files were stored:
    /// the run's tag <c>mlflow.log-model.history</c> gets it appended.
    /// </summary>
    void LogModel(string runId, string modelJson);

    /// <summary>Records the data sets the run reads; one already recorded for the run (same name and digest) is left as it is.</summary>
    void LogInputs(string runId, IReadOnlyList<DatasetInput> inputs);

    /// <summary>Sets the run's status and end time.</summary>
    void UpdateRun(string runId, RunStatus status, long endTimeMs);

    /// <summary>Stores a local file as a run artifact (relative, '/'-separated path).</summary>
    void UploadArtifact(RunHandle run, string localPath, string artifactPath);

    /// <summary>Removes a run artifact; a missing one is not an error.</summary>
    void DeleteArtifact(RunHandle run, string artifactPath);

    /// <summary>Every logged point of one metric, so a replay can skip what the store already holds.</summary>
    IReadOnlyList<MetricPoint> MetricHistory(string runId, string key);

    /// <summary>The active run with this id, or null when the store does not hold it (a run of another store, a deleted one).</summary>
    ExistingRun? FindRun(string runId);

    /// <summary>
    /// The active run of experiment <paramref name="experiment"/> whose tag <paramref name="key"/> is <paramref name="value"/>,
    /// or null (also when the experiment does not exist).
    /// </summary>
    ExistingRun? FindRunByTag(string experiment, string key, string value);

    /// <summary>
    /// The run is ending: from now on no retry waits past <paramref name="budget"/>; what is not delivered by then is spooled.
    /// <see cref="Timeout.InfiniteTimeSpan"/> lifts a budget that has not run out (a reopened run).
    /// </summary>
    void CloseWithin(TimeSpan budget);

    /// <summary>A local folder for the run's checkpoints and spool.</summary>
    string LocalRunDirectory(RunHandle run);
}
