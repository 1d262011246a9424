using System.Threading.Channels;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Writing;

namespace Lightning.Mlflow;

/// <summary>
/// Records a run in MLflow without ever blocking or failing training: logging calls only enqueue; a background writer
/// batches them into log-batch requests; when the server stays unreachable past the retry budget, writes go to a spool
/// in the run's local folder and are delivered when the server answers again or at run end. A closing line says what
/// was sent and what is still spooled.
/// </summary>
public sealed partial class MlflowTracker : ITracker
{
    private readonly IRunStore _store;
    private readonly MlflowTrackerOptions _options;
    private readonly KeySanitizer _keys;
    private readonly ValueLimits _values;
    private readonly Channel<Command> _queue = Channel.CreateUnbounded<Command>(new UnboundedChannelOptions { SingleReader = true });
    private Thread? _writer;
    private RunHandle? _run;
    private Spool? _spool;
    private string? _offlineId;
    private bool _offline;
    private bool _ended;
    // Set by the process-exit handler (read by the writer thread): the end skips what is slow.
    private volatile bool _exiting;
    private long _lastProbe;
    private int _sentPoints;
    private int _sentParams;
    private int _sentArtifacts;
    private readonly Dictionary<string, List<(long Step, double Value)>> _curves = [];
    private SystemMetrics.SystemMetricsSampler? _sampler;

    /// <summary>A tracker writing to <paramref name="store"/>.</summary>
    public MlflowTracker(IRunStore store, MlflowTrackerOptions options)
    {
        _store = store;
        _options = options;
        _keys = new KeySanitizer(Warn);
        _values = new ValueLimits(Warn);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The server's run id; while the server has not seen the run, its local id <c>offline-…</c> (its folder's name).</summary>
    public string? RunId => _run?.RunId ?? _offlineId;

    /// <inheritdoc />
    public string RunDirectory { get; private set; } = "";

    /// <inheritdoc />
    public string TrackingUri => _store.Uri;

    /// <summary>The spool of this run (REST stores), for tests and the CLI's push.</summary>
    public Spool? Spool => _spool;

    /// <inheritdoc />
    public void StartRun(RunStart start)
    {
        var runName = start.RunName ?? $"run-{_options.Time.GetUtcNow():yyyyMMdd-HHmmss}";
        var tags = start.Tags.ToDictionary(t => _keys.Sanitize(t.Key, "tag"), t => _values.Tag(t.Key, t.Value));
        var parameters = start.Params.Select(p => KeyValuePair.Create(_keys.Sanitize(p.Key, "param"), _values.Param(p.Key, p.Value))).ToList();
        var request = new RunRequest(_options.Experiment, runName, tags.GetValueOrDefault("mlflow.user") ?? Environment.UserName,
            _options.Time.GetUtcNow().ToUnixTimeMilliseconds(), tags);
        // Resumed, the run says from what, whether it continues its own run or starts a new one.
        if (start.ResumedFrom is { } resumed) tags[ResumedRun.Tag] = _values.Tag(ResumedRun.Tag, resumed.TagValue);
        try
        {
            if (Continue(start.ResumedFrom, parameters, tags) is { } continued)
            {
                _run = continued.Run;
                parameters = continued.Params;
                // The run keeps its name; the other tags (user, source, commit) describe this process.
                tags.Remove("mlflow.runName");
                Enqueue(new BatchCommand(new LogBatch([], [], [.. tags])));
            }
            else _run = _store.CreateRun(request);
            RunDirectory = _store.LocalRunDirectory(_run);
            if (_store.IsRemote) _spool = new Spool(RunDirectory);
        }
        catch (MlflowException error) when (_store.IsRemote && IsTransient(error))
        {
            // The server cannot be reached: the run is created later, when the spool is delivered. Until then it is
            // known by its local id, the name of its folder, which `runs list` and `runs push` understand.
            _run = null;
            _offlineId = "offline-" + Guid.NewGuid().ToString("N");
            RunDirectory = Path.Combine(Path.GetDirectoryName(_store.LocalRunDirectory(new RunHandle(_offlineId, "", "")))!, _offlineId);
            _spool = new Spool(RunDirectory);
            _spool.WriteHeader(_store.Uri, request, null, null);
            GoOffline(error);
        }
        if (_spool is not null && _run is not null) _spool.WriteHeader(_store.Uri, request, _run.RunId, _run.ArtifactUri);
        Directory.CreateDirectory(RunDirectory);
        Enqueue(new BatchCommand(new LogBatch([], parameters, [])));
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "mlflow-writer" };
        _writer.Start();
        StartSystemMetrics(start.ResumedFrom is not null);
    }

    /// <inheritdoc />
    public void LogInputs(IReadOnlyList<Core.Data.DatasetDescription> inputs)
    {
        var converted = inputs.Select(DatasetInput.From).ToList();
        Enqueue(new InputsCommand(converted));
    }

    /// <inheritdoc />
    public void LogMetrics(IReadOnlyList<MetricPoint> points)
    {
        var clean = points.Select(p => p with { Key = _keys.Sanitize(p.Key, "metric") }).ToList();
        lock (_curves)
        {
            foreach (var point in clean.Where(p => Plots.LearningCurvePlot.Plots(p.Key)))
            {
                if (!_curves.TryGetValue(point.Key, out var series)) _curves[point.Key] = series = [];
                series.Add((point.Step, point.Value));
            }
        }
        Enqueue(new BatchCommand(new LogBatch(clean, [], [])));
    }

    /// <inheritdoc />
    public void SetTag(string key, string value) =>
        Enqueue(new BatchCommand(new LogBatch([], [], [KeyValuePair.Create(_keys.Sanitize(key, "tag"), _values.Tag(key, value))])));

    /// <inheritdoc />
    public void LogArtifact(string localPath, string artifactPath)
    {
        var path = ArtifactPaths.Validate(artifactPath);
        Enqueue(new ArtifactCommand(Path.GetFullPath(localPath), path));
        if (path.StartsWith("checkpoints/", StringComparison.Ordinal)) SetTag("mlflow.latest_checkpoint_artifact", path);
    }

    /// <inheritdoc />
    public void DeleteArtifact(string artifactPath) => Enqueue(new DeleteCommand(ArtifactPaths.Validate(artifactPath)));

    /// <inheritdoc />
    public void EndRun(RunStatus status, string? message = null)
    {
        if (_ended || _run is null && _spool is null) return;
        _ended = true;
        _sampler?.Stop();
        // The end may wait for a server that stopped answering only this long; the rest stays spooled.
        _store.CloseWithin(_options.FinalDeliveryBudget);
        if (status == RunStatus.Failed && message is not null) SetTag("mlflow.note.content", message);
        Enqueue(new EndCommand(status, _options.Time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <inheritdoc />
    public bool TryReopenRun()
    {
        if (!_ended || _writer is null) return false;
        _ended = false;
        // Lifts the end's delivery budget while it has not run out; past it, each write gets one attempt, then the spool.
        _store.CloseWithin(Timeout.InfiniteTimeSpan);
        Enqueue(new ReopenCommand());
        _sampler?.Start();
        return true;
    }

    /// <inheritdoc />
    public void Flush(TimeSpan timeout)
    {
        if (_writer is null) return;
        var barrier = new BarrierCommand(new ManualResetEventSlim());
        Enqueue(barrier);
        barrier.Done.Wait(timeout);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _sampler?.Dispose();
        _queue.Writer.TryComplete();
        _writer?.Join(TimeSpan.FromSeconds(30));
        _store.Dispose();
    }

    private void Enqueue(Command command)
    {
        if (!_queue.Writer.TryWrite(command))
            throw new InvalidOperationException("The MLflow tracker was disposed; nothing can be logged after the run ended.");
    }

    /// <inheritdoc />
    public void EndRunOnExit(RunStatus status, string? message = null)
    {
        if (_ended || _writer is null) return;
        // A process that exits mid-step may have a launcher's SIGKILL a second behind (mpirun): the status goes first,
        // ahead of what the writer still has queued (metrics, a checkpoint upload), and without the learning-curve plot,
        // which can take longer than that to render.
        _exiting = true;
        WriteStatusNow(status);
        EndRun(status, message);
        Flush(TimeSpan.FromSeconds(5));
    }

    // From the exiting thread, beside the writer's: the store writes the run's status on its own (meta.yaml, or one
    // request); the queued end writes it again and prints the summary. Not written here, the queued end still tries.
    private void WriteStatusNow(RunStatus status)
    {
        if (_run is not { } run || _offline) return;
        try
        {
            _store.UpdateRun(run.RunId, status, _options.Time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        catch (Exception error) when (error is MlflowException or IOException or HttpRequestException or TaskCanceledException)
        {
            // The queued end retries it, or spools it.
        }
    }

    // A process going down (a second Ctrl+C, an unhandled error) still closes the run with an end time.
    private void OnProcessExit(object? sender, EventArgs e) => EndRunOnExit(RunStatus.Killed);

    private void Warn(string message)
    {
        lock (_options.Log) _options.Log.WriteLine(message);
    }

    private void Inform(string message)
    {
        var output = _options.Output ?? _options.Log;
        lock (output) output.WriteLine(message);
    }

    // Unreachable (no answer) or an answer that says "try again": what the retry policy retries.
    // An answer that is not MLflow's (INVALID_RESPONSE) may not have stored the write: kept in the spool, like an outage.
    private static bool IsTransient(MlflowException error) =>
        error.ErrorCode is "TEMPORARILY_UNAVAILABLE" or "INVALID_RESPONSE" || error.Status is 408 or 429 or (>= 500 and not 501);
}
