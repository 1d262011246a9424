namespace Lightning.Core.Tracking;

/// <summary>
/// Where a run's params, metrics, artifacts and status go. Implementations must return at once from the logging calls
/// (buffer, then write in the background) so that tracking never slows or kills training.
/// </summary>
public interface ITracker : IDisposable
{
    /// <summary>Id of the current run, once started.</summary>
    string? RunId { get; }

    /// <summary>The run's local folder (checkpoints go under it); valid once started.</summary>
    string RunDirectory { get; }

    /// <summary>Where runs are stored, for people and for the events file.</summary>
    string TrackingUri { get; }

    /// <summary>Starts a run with its params and tags.</summary>
    void StartRun(RunStart start);

    /// <summary>Records metric values.</summary>
    void LogMetrics(IReadOnlyList<MetricPoint> points);

    /// <summary>Sets a tag on the run.</summary>
    void SetTag(string key, string value);

    /// <summary>Stores the file at <paramref name="localPath"/> as artifact <paramref name="artifactPath"/> (relative, '/'-separated).</summary>
    void LogArtifact(string localPath, string artifactPath);

    /// <summary>
    /// Logs <paramref name="model"/> as the run's model (MLflow: its files under <c>model/</c>, then the model record).
    /// Default: nothing, the folder stays where it is (a tracker without models).
    /// </summary>
    void LogModel(ModelPackage model) { }

    /// <summary>Removes an artifact stored earlier (a checkpoint dropped from the top-k).</summary>
    void DeleteArtifact(string artifactPath);

    /// <summary>Ends the run with <paramref name="status"/>; <paramref name="message"/> explains a failure.</summary>
    void EndRun(RunStatus status, string? message = null);

    /// <summary>
    /// Ends the run as the process goes down (a launcher's kill is a moment away): the status and
    /// <paramref name="message"/> go first and are flushed, without extras that take long (plots). Default:
    /// <see cref="EndRun"/>, then up to 5 s of <see cref="Flush"/>.
    /// </summary>
    void EndRunOnExit(RunStatus status, string? message = null)
    {
        EndRun(status, message);
        Flush(TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Reopens the run this tracker ended last, so that a test or validation after fit on the same trainer logs into it
    /// (Lightning's <c>trainer.test</c> after <c>trainer.fit</c>); it is RUNNING again until the next <see cref="EndRun"/>.
    /// </summary>
    /// <returns>False when the tracker cannot reopen its run (the trainer then starts a new one).</returns>
    bool TryReopenRun() => false;

    /// <summary>Records the data sets the run reads (MLflow's run inputs); a tracker that cannot show them ignores them.</summary>
    void LogInputs(IReadOnlyList<Data.DatasetDescription> inputs) { }

    /// <summary>Waits up to <paramref name="timeout"/> for buffered writes.</summary>
    void Flush(TimeSpan timeout);
}
