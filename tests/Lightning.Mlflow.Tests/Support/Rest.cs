using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Replay;

namespace Lightning.Mlflow.Tests.Support;

public static class Rest
{
    /// <summary>Fast retries, so fault tests take milliseconds, not the production minute.</summary>
    public static RestOptions Fast => new()
    {
        MaxRetries = 3, BackoffFactor = TimeSpan.FromMilliseconds(5), BackoffJitter = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(10)
    };

    public static (MlflowTracker Tracker, StringWriter Log) Tracker(
        ReplayServer server, string localRoot, RestOptions? options = null, string experiment = "exp") =>
        Tracker(server.Uri, localRoot, options, experiment);

    public static (MlflowTracker Tracker, StringWriter Log) Tracker(
        Uri uri, string localRoot, RestOptions? options = null, string experiment = "exp", TimeProvider? storeTime = null)
    {
        var log = new StringWriter();
        var store = new RestStore(uri, options ?? Fast, localRoot, storeTime);
        return (new MlflowTracker(store,
            new MlflowTrackerOptions { Experiment = experiment, Log = TextWriter.Synchronized(log), ProbeInterval = TimeSpan.FromHours(1) }), log);
    }

    public static RunStart Start(string? name = "run", Dictionary<string, string>? parameters = null, Dictionary<string, string>? tags = null) =>
        new(name, parameters ?? new Dictionary<string, string> { ["model/lr"] = "0.01" },
            tags ?? new Dictionary<string, string> { ["mlflow.user"] = "tester", ["mlflow.source.type"] = "LOCAL" });

    public static List<MetricPoint> Points(string key, int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => new MetricPoint(key, i * 0.5, i, 1_700_000_000_000 + i)).ToList();
}
