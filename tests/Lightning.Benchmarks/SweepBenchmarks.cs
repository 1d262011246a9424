using System.Diagnostics;
using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Running;
using Lightning.TestSupport;

namespace Lightning.Benchmarks;

/// <summary>
/// Sweep figures on the template project as <c>dotnet new lightning</c> makes it, with real trial processes: its own
/// sweep.yaml space and ASHA settings, run with and without ASHA (epochs trained, best value), and --parallel 2 against 1.
/// </summary>
/// <remarks>
/// Both runs use seeded random search, so they train exactly the same configurations, each with the project's fixed
/// training seed: the best-value ratio then measures only what pruning lost. (The template's TPE adapts to what it
/// has seen, so with and without ASHA it would propose different trials after the first few.)
/// </remarks>
public static class SweepBenchmarks
{
    private const int Seed = 11;

    public static void Run(BenchReport report)
    {
        using var feed = new TemplateFeed("bench");
        var project = feed.Scaffold("Digits");
        ChildProcess.Succeeded(ChildProcess.Run(project, "dotnet", ["build", "-c", "Release", "-nologo", "-v:q"], timeout: TimeSpan.FromMinutes(10)));
        var app = Path.Combine(project, "bin", "Release", "net10.0", "Digits.dll");

        var (plainYaml, ashaYaml) = Variants(File.ReadAllText(Path.Combine(project, "sweep.yaml")));
        report.Note($"template project (classification), its sweep.yaml space as seeded random search (seed {Seed}), one thread per trial; " +
            "ASHA as the template sets it");
        var plain = Sweep(project, app, plainYaml, parallel: 1);
        var asha = Sweep(project, app, ashaYaml, parallel: 1);
        report.Figure("epochs_without_asha", plain.Epochs);
        report.Figure("epochs_with_asha", asha.Epochs);
        report.Figure("asha_compute_ratio", (double)asha.Epochs / plain.Epochs);
        // Oriented so 1.0 is equal and above 1 is worse: the best loss with ASHA over the best loss without.
        report.Figure("asha_best_value_ratio", asha.Best / plain.Best);
        report.Note($"best val_loss without ASHA {plain.Best:G5} (trial {plain.BestTrial}), with ASHA {asha.Best:G5} (trial {asha.BestTrial})");

        // Parallel speedup: 1 and 2 at a time, interleaved, the median of the pairs (the first sequential run is one).
        var speedups = new List<double>();
        var one = plain.Seconds;
        for (var pair = 0; pair < 3; pair++)
        {
            if (pair > 0) one = Sweep(project, app, plainYaml, parallel: 1).Seconds;
            speedups.Add(one / Sweep(project, app, plainYaml, parallel: 2).Seconds);
        }
        report.Note("parallel speedups: "
            + string.Join(", ", speedups.Select(s => s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))));
        report.Figure("sweep_parallel_speedup", BenchReport.Median(speedups));
    }

    /// <summary>The template's sweep as seeded random search, without and with its early_terminate section.</summary>
    private static (SweepConfig Plain, SweepConfig Asha) Variants(string templateSweep)
    {
        var cut = templateSweep.IndexOf("early_terminate:", StringComparison.Ordinal);
        if (cut < 0) throw new InvalidOperationException("The template's sweep.yaml has no early_terminate section to compare against.");
        // Parameters are the last section before early_terminate, so constants appended here join them.
        var plain = templateSweep[..cut].Replace("method: tpe", "method: random", StringComparison.Ordinal)
            + "  trainer.threads: {value: 1}\n" + $"seed: {Seed}\n";
        return (SweepConfigReader.Parse(plain), SweepConfigReader.Parse(plain + templateSweep[cut..]));
    }

    private static (int Epochs, double Best, int? BestTrial, double Seconds) Sweep(string project, string app, SweepConfig config, int parallel)
    {
        var watch = Stopwatch.StartNew();
        var result = new SweepRunner(new SweepOptions
        {
            ProjectFolder = project,
            Config = config,
            ConfigPath = Path.Combine(project, "sweep.yaml"),
            Executor = new LocalExecutor(app, project),
            Parallel = parallel,
        }).Run(CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(project, ".lightning", "sweeps", result.Id, "state.json")))!;
        var epochs = state["trials"]!.AsArray().Sum(t => t!["curve"]!.AsObject().Count);
        return (epochs, result.BestValue ?? double.NaN, result.BestTrial, seconds);
    }
}
