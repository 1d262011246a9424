using Lightning.TestSupport;
using System.Diagnostics;
using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Running;

namespace Lightning.Benchmarks;

/// <summary>
/// Sweep figures on the test app (an MLP with dropout, 16 batches per epoch), real trial processes: the same TPE
/// sweep (seed, trials) with and without ASHA (epochs trained, best value), and --parallel 2 against 1.
/// </summary>
public static class SweepBenchmarks
{
    private const int Trials = 12;

    public static void Run(BenchReport report)
    {
        var app = TestApp.Dll;
        var yaml = """
            method: random
            metric: {name: val_loss, goal: minimize}
            run_cap: 12
            seed: 11
            parameters:
              model.lr: {distribution: log_uniform_values, min: 0.0005, max: 0.3}
              model.hidden: {values: [4, 8, 16, 32, 64]}
              trainer.max_epochs: {value: 9}
              trainer.threads: {value: 1}
              trainer.seed: {value: 1}
              trainer.enable_checkpointing: {value: false}
              model.step_lr: {value: false}
              model.step_delay_ms: {value: 20}
            """;
        report.Note($"test app, random search seed 11 (the same 12 configurations with and without ASHA), {Trials} trials of 9 epochs; ASHA min_iter 1, eta 3");
        var plain = Sweep(app, SweepConfigReader.Parse(yaml), parallel: 1);
        var asha = Sweep(app, SweepConfigReader.Parse(yaml + "\nearly_terminate: {type: asha, min_iter: 1, eta: 3, bootstrap: 3}"), parallel: 1);
        report.Figure("epochs_without_asha", plain.Epochs);
        report.Figure("epochs_with_asha", asha.Epochs);
        report.Figure("asha_compute_ratio", (double)asha.Epochs / plain.Epochs);
        // Oriented so 1.0 is equal and above 1 is worse: the best loss with ASHA over the best loss without.
        report.Figure("asha_best_value_ratio", asha.Best / plain.Best);
        var two = Sweep(app, SweepConfigReader.Parse(yaml), parallel: 2);
        report.Figure("sweep_parallel_speedup", plain.Seconds / two.Seconds);
    }

    private static (int Epochs, double Best, double Seconds) Sweep(string app, SweepConfig config, int parallel)
    {
        var folder = Directory.CreateTempSubdirectory("lightning-sweep-bench-").FullName;
        try
        {
            var watch = Stopwatch.StartNew();
            var result = new SweepRunner(new SweepOptions
            {
                ProjectFolder = folder,
                Config = config,
                ConfigPath = Path.Combine(folder, "sweep.yaml"),
                Executor = new LocalExecutor(app, folder),
                Parallel = parallel,
            }).Run(CancellationToken.None);
            var seconds = watch.Elapsed.TotalSeconds;
            var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ".lightning", "sweeps", result.Id, "state.json")))!;
            var epochs = state["trials"]!.AsArray().Sum(t => t!["curve"]!.AsObject().Count);
            return (epochs, result.BestValue ?? double.NaN, seconds);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
