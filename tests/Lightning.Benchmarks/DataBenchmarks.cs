using Lightning.TestSupport;

namespace Lightning.Benchmarks;

/// <summary>
/// The data suite: loaders over data that is read per sample. Each case gets a fresh temporary folder for what it
/// generates (deleted after it); add a case by adding a line to <see cref="Cases"/>.
/// </summary>
public static class DataBenchmarks
{
    private static readonly (string Name, Action<BenchReport, TempDirectory> Run)[] Cases =
    [
        ("streaming CSV", StreamingRssBenchmark.Csv),
        ("memory-mapped shards", StreamingRssBenchmark.Shards),
    ];

    public static void Run(BenchReport report)
    {
        foreach (var (name, run) in Cases)
        {
            report.Note($"{name}: load before {Load()}");
            using var folder = new TempDirectory();
            run(report, folder);
            report.Note($"{name}: load after {Load()}");
        }
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Trim();
}
