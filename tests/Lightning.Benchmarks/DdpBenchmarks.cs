using System.Globalization;
using System.Text.RegularExpressions;
using Lightning.TestSupport;

namespace Lightning.Benchmarks;

/// <summary>
/// Data-parallel figures from tests/Lightning.MpiProbe under Open MPI: the median in-place all-reduce of 1M floats
/// between two ranks, and the scaling efficiency of two ranks (one thread each) over one on a compute-bound MLP
/// (samples/s of 2 ranks over twice those of 1, global batch 256), the median of interleaved pairs.
/// </summary>
public static partial class DdpBenchmarks
{
    private const int Pairs = 3;
    private const string MeasuredSteps = "20";

    private static readonly Dictionary<string, string> OneThread = new() { ["OMP_NUM_THREADS"] = "1" };

    public static void Run(BenchReport report)
    {
        var probe = Repository.Built(Path.Combine("tests", "Lightning.MpiProbe"), "Lightning.MpiProbe.dll");
        report.Note($"load before: {Load()}");
        var allReduce = ChildProcess.Succeeded(MpiRuntime.RunOpenMpi(2, probe, ["bench"]));
        var milliseconds = Figure(AllReduceLine(), allReduce.Output);

        var efficiencies = new List<double>();
        for (var pair = 0; pair < Pairs; pair++)
        {
            // Alternating which run goes first, so drift in the machine's load hits both alike.
            bool[] order = pair % 2 == 0 ? [false, true] : [true, false];
            double one = 0, two = 0;
            foreach (var twoRanks in order)
            {
                if (twoRanks) two = Throughput(ChildProcess.Succeeded(MpiRuntime.RunOpenMpi(2, probe, ["ddp-bench", "ddp", MeasuredSteps])));
                else one = Throughput(ChildProcess.Succeeded(ChildProcess.Run(Repository.Root, "dotnet",
                    [probe, "ddp-bench", "single", MeasuredSteps], OneThread, timeout: TimeSpan.FromMinutes(10))));
            }
            report.Note(string.Create(CultureInfo.InvariantCulture, $"pair {pair + 1}: 1 rank {one:F1} samples/s, 2 ranks {two:F1} samples/s"));
            efficiencies.Add(two / (2 * one));
        }
        report.Note($"load after: {Load()}");
        report.Figure("ddp_allreduce_ms_1m", milliseconds);
        report.Figure("ddp_scaling_efficiency", BenchReport.Median(efficiencies));
    }

    private static double Throughput(ChildProcess.Result run) => Figure(ThroughputLine(), run.Output);

    private static double Figure(Regex line, string output) =>
        line.Match(output) is { Success: true } match
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"The probe printed no {line}:\n{output}");

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    [GeneratedRegex(@"BENCH ddp_allreduce_ms_1m=([0-9.eE+-]+)")]
    private static partial Regex AllReduceLine();

    [GeneratedRegex(@"samples_per_s=([0-9.eE+-]+)")]
    private static partial Regex ThroughputLine();
}
