using Lightning.Core.Tracking;

namespace Lightning.Mlflow.SystemMetrics;

/// <summary>
/// Logs the metrics of MLflow's own system-metrics monitor while a run is active, so its System metrics tab draws
/// them: every interval, one sample of every <c>system/…</c> key, all with the same timestamp and with the monitor's
/// step numbering (0, 1, 2, … counting intervals, not training steps; a continued run goes on from its last step).
/// Samples are taken on a timer thread, never the training thread, and a failure only skips samples.
/// </summary>
public sealed class SystemMetricsSampler : IDisposable
{
    /// <summary>The prefix MLflow's UI recognises system metrics by.</summary>
    public const string Prefix = "system/";

    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Action<IReadOnlyList<MetricPoint>> _sink;
    private readonly Action<string> _warn;
    private readonly Lazy<SystemProbe> _probe;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private long _step;
    private int _busy;
    private bool _warned;

    /// <summary>A sampler that hands each interval's points to <paramref name="sink"/>.</summary>
    /// <param name="interval">Time between samples.</param>
    /// <param name="runFolder">A folder on the file system whose disk use is reported (the run's).</param>
    /// <param name="sink">Receives each sample's points (the tracker's queue).</param>
    /// <param name="warn">Hears once about a sample that failed.</param>
    /// <param name="time">The clock whose timer paces the samples.</param>
    /// <param name="procRoot">Where <c>/proc</c> is (tests point it elsewhere).</param>
    public SystemMetricsSampler(TimeSpan interval, string runFolder, Action<IReadOnlyList<MetricPoint>> sink, Action<string> warn,
        TimeProvider? time = null, string procRoot = "/proc")
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive.");
        _interval = interval;
        _time = time ?? TimeProvider.System;
        _sink = sink;
        _warn = warn;
        // NVML is loaded once, on the first sample: a machine without it costs nothing at start.
        _probe = new Lazy<SystemProbe>(() => new SystemProbe(procRoot, runFolder, Nvml.TryLoad()));
    }

    /// <summary>The step the next sample gets.</summary>
    public long NextStep => Interlocked.Read(ref _step);

    /// <summary>Starts sampling; the first sample comes one interval from now, numbered <paramref name="firstStep"/> when given.</summary>
    public void Start(long? firstStep = null)
    {
        lock (_gate)
        {
            if (firstStep is { } step) Interlocked.Exchange(ref _step, step);
            if (_timer is not null) return;
            _timer = _time.CreateTimer(_ => Sample(), null, _interval, _interval);
        }
        Guard(() => _probe.Value.Reset());
    }

    /// <summary>Stops sampling (a sample under way may still be delivered).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    private void Sample()
    {
        // A sample still running (a slow file system) makes the next tick skip rather than pile up threads.
        if (Interlocked.Exchange(ref _busy, 1) == 1) return;
        try
        {
            Guard(() =>
            {
                var values = _probe.Value.Read();
                if (values.Count == 0) return;
                var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var step = Interlocked.Increment(ref _step) - 1;
                _sink([.. values.Select(v => new MetricPoint(Prefix + v.Key, v.Value, step, timestamp))]);
            });
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception error)
        {
            if (_warned) return;
            _warned = true;
            _warn($"System metrics skipped a sample ({error.GetType().Name}: {error.Message}); training goes on.");
        }
    }
}
