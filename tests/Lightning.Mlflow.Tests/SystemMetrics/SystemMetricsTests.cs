using System.Text.Json.Nodes;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.SystemMetrics;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Lightning.Mlflow.Tests.SystemMetrics;

/// <summary>MLflow's system metrics: its names, its step numbering, its transport (94–96), paced by the clock, never failing.</summary>
public sealed class SystemMetricsTests : IDisposable
{
    // The keys of MLflow's monitor on a machine without NVML, as transcript 94 records them.
    private static readonly string[] MlflowKeys = TranscriptFiles.RequestBody("94")["metrics"]!.AsArray()
        .Select(m => m!["key"]!.GetValue<string>()).ToArray();

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static void Pass(FakeTimeProvider time, TimeSpan span)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += TimeSpan.FromSeconds(1)) time.Advance(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void AFakeMinute_GivesSixSamples_WithMlflowsNamesAndSteps()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_796_046_690_182));
        var samples = new List<IReadOnlyList<MetricPoint>>();
        using var sampler = new SystemMetricsSampler(TimeSpan.FromSeconds(10), _root.Path, samples.Add, _ => { }, time);
        sampler.Start();

        // A minute passing second by second (one Advance of a minute would fire every tick at the minute's end time).
        Pass(time, TimeSpan.FromMinutes(1));

        Assert.Equal(6, samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            Assert.Subset(samples[i].Select(p => p.Key).ToHashSet(), MlflowKeys.ToHashSet());
            Assert.All(samples[i], p => Assert.StartsWith("system/", p.Key, StringComparison.Ordinal));
            Assert.All(samples[i], p => Assert.Equal(i, p.Step));
            Assert.All(samples[i], p => Assert.Equal(1_796_046_690_182 + (i + 1) * 10_000L, p.TimestampMs));
        }
    }

    [Fact]
    public void AnUnreadableProcFile_SkipsOnlyItsMetrics()
    {
        var proc = _root.Combine("proc");
        Directory.CreateDirectory(proc);
        File.WriteAllText(Path.Combine(proc, "meminfo"), "MemTotal:       1000000 kB\nMemFree:         250000 kB\nBuffers: 0 kB\nCached: 0 kB\n");
        var time = new FakeTimeProvider();
        var samples = new List<IReadOnlyList<MetricPoint>>();
        var warnings = new List<string>();
        using var sampler = new SystemMetricsSampler(TimeSpan.FromSeconds(10), _root.Path, samples.Add, warnings.Add, time, proc);
        sampler.Start();

        time.Advance(TimeSpan.FromSeconds(10));

        var keys = Assert.Single(samples).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(768.0, keys["system/system_memory_usage_megabytes"]);
        Assert.Equal(75.0, keys["system/system_memory_usage_percentage"]);
        Assert.DoesNotContain("system/cpu_utilization_percentage", keys.Keys);
        Assert.DoesNotContain("system/network_receive_megabytes", keys.Keys);
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task TheTracker_LogsThemToTheServer_AsMlflowsMonitorDoes_UntilTheRunEnds()
    {
        using var server = new ReplayServer();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_796_046_690_182));
        var options = new MlflowTrackerOptions
        {
            Experiment = "exp", Time = time, FlushInterval = TimeSpan.Zero, SystemMetricsInterval = TimeSpan.FromSeconds(10),
        };
        string runId;
        using (var tracker = new MlflowTracker(new RestStore(server.Uri, Rest.Fast, _root.Path), options))
        {
            tracker.StartRun(Rest.Start());
            Pass(time, TimeSpan.FromSeconds(30));
            tracker.Flush(TimeSpan.FromSeconds(10));
            tracker.EndRun(RunStatus.Finished);
            Pass(time, TimeSpan.FromSeconds(30));
            tracker.Flush(TimeSpan.FromSeconds(10));
            runId = tracker.RunId!;
        }

        foreach (var key in MlflowKeys)
            Assert.Equal([0L, 1, 2], server.Points(runId, key).Select(p => p.Step));
        // One timestamp per sample, shared by its keys, as in 94.
        Assert.Equal(3, MlflowKeys.SelectMany(k => server.Points(runId, k)).Select(p => p.Timestamp).Distinct().Count());

        // What MLflow's UI then reads for the System metrics tab (96): the points with their run.
        using var http = new HttpClient();
        const string Key = "system%2Fcpu_utilization_percentage";
        var tab = JsonNode.Parse(await http.GetStringAsync(new Uri(server.Uri,
            $"ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids={runId}&metric_key={Key}&max_results=320")))!;
        var shape = Transcript.Get("96").Json["metrics"]![0]!.AsObject().Select(p => p.Key).Order();
        Assert.All(tab["metrics"]!.AsArray(), m => Assert.Equal(shape, m!.AsObject().Select(p => p.Key).Order()));
        Assert.Equal([0L, 1, 2], tab["metrics"]!.AsArray().Select(m => m!["step"]!.GetValue<long>()));
    }
}
