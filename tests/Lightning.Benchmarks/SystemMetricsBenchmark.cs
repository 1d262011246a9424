using Lightning.Core.Tracking;
using Lightning.Mlflow;
using Lightning.Mlflow.Stores;

namespace Lightning.Benchmarks;

/// <summary>
/// What MLflow's system metrics cost the training thread: the tracking benchmark's loop (5 metrics every step, file
/// store) with the sampler at 0.1 s, 100 times its default rate so any cost shows, over the same loop without it.
/// Pairs interleaved in alternating order; the median of the pairs' ratios.
/// </summary>
public static class SystemMetricsBenchmark
{
    private const int Steps = 6000;
    private const int Repeats = 9;

    public static void Run(BenchReport report)
    {
        var root = Directory.CreateTempSubdirectory("lightning-bench-sysmet-").FullName;
        var data = new BenchData(64 * Steps, 64);
        ITracker Tracker(TimeSpan? interval) => new MlflowTracker(new FileStore(Path.Combine(root, "mlruns")),
            new MlflowTrackerOptions { Experiment = "bench", SystemMetricsInterval = interval });
        var variants = new Func<ITracker>[] { () => Tracker(null), () => Tracker(TimeSpan.FromSeconds(0.1)) };
        foreach (var variant in variants) TrackingBenchmarks.Time(data, variant());
        var ratios = new List<double>();
        for (var repeat = 0; repeat < Repeats; repeat++)
        {
            var seconds = new double[2];
            for (var i = 0; i < 2; i++)
            {
                var which = (i + repeat) % 2;
                seconds[which] = TrackingBenchmarks.Time(data, variants[which]()).Seconds;
            }
            ratios.Add(seconds[1] / seconds[0]);
        }
        report.Note("system metrics ratios (sampler at 0.1 s over none): " +
            string.Join(", ", ratios.Select(r => r.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))));
        report.Figure("system_metrics_overhead_ratio", BenchReport.Median(ratios));
        Directory.Delete(root, recursive: true);
    }
}
