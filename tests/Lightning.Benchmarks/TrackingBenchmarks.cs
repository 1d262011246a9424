using System.Diagnostics;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using Lightning.Mlflow;
using Lightning.Mlflow.Stores;
using static TorchSharp.torch;

namespace Lightning.Benchmarks;

/// <summary>
/// Tracking overhead: the same training loop logging 5 metrics every step, with no tracker, with the MLflow file store,
/// and with the REST store against the loopback replay server (in a process of its own, as a real server is).
/// Interleaved repeats in rotating order, the median of each repeat's ratio to no tracker.
/// </summary>
public static class TrackingBenchmarks
{
    private const int Steps = 6000;
    private const int Repeats = 9;

    public static void Run(BenchReport report)
    {
        set_num_threads(1);
        report.Note($"CPU, 1 thread, MLP 32-64-10, batch 64, 5 metrics logged every step (log_every_n_steps=1), {Steps} steps per repeat");
        using var server = new ReplayServerProcess();
        var root = Directory.CreateTempSubdirectory("lightning-bench-").FullName;
        var data = new BenchData(64 * Steps, 64);
        // Each repeat times the three variants back to back, in an order that rotates, and yields one ratio per store:
        // the machine's slow drifts then cancel within a repeat, and the median of the ratios drops the noisy repeats.
        var variants = new Func<ITracker>[]
        {
            () => new NullTracker(root),
            () => new MlflowTracker(new FileStore(Path.Combine(root, "mlruns")), new MlflowTrackerOptions { Experiment = "bench" }),
            () => new MlflowTracker(new RestStore(server.Uri, new RestOptions(), Path.Combine(root, "rest")),
                new MlflowTrackerOptions { Experiment = "bench" }),
        };
        foreach (var variant in variants) Time(data, variant());
        var none = new List<double>();
        var ratios = new[] { new List<double>(), new List<double>() };
        var cpuRatios = new[] { new List<double>(), new List<double>() };
        for (var repeat = 0; repeat < Repeats; repeat++)
        {
            var measured = new (double Seconds, double CpuSeconds)[variants.Length];
            for (var i = 0; i < variants.Length; i++)
            {
                var which = (i + repeat) % variants.Length;
                measured[which] = Time(data, variants[which]());
            }
            none.Add(measured[0].Seconds);
            for (var store = 0; store < 2; store++)
            {
                ratios[store].Add(measured[store + 1].Seconds / measured[0].Seconds);
                cpuRatios[store].Add(measured[store + 1].CpuSeconds / measured[0].CpuSeconds);
            }
        }
        static string Listed(List<double> values) =>
            string.Join(", ", values.Select(r => r.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
        report.Note("file ratios: " + Listed(ratios[0]));
        report.Note("rest ratios: " + Listed(ratios[1]));
        report.Figure("no_tracker_step_us", BenchReport.Median(none) * 1e6);
        report.Figure("tracking_overhead_ratio_file", BenchReport.Median(ratios[0]));
        report.Figure("tracking_overhead_ratio_rest", BenchReport.Median(ratios[1]));
        // The work the tracker adds, whichever core does it: process CPU time per step over no tracker's.
        report.Figure("tracking_cpu_ratio_file", BenchReport.Median(cpuRatios[0]));
        report.Figure("tracking_cpu_ratio_rest", BenchReport.Median(cpuRatios[1]));
        Directory.Delete(root, recursive: true);
        SystemMetricsBenchmark.Run(report);
    }

    // Wall time and process CPU time per step of the training loop; the tracker's final flush happens after the clock
    // stops, as the loop only enqueues.
    internal static (double Seconds, double CpuSeconds) Time(BenchData data, ITracker tracker)
    {
        using (tracker)
        {
            random.manual_seed(1);
            var trainer = new Trainer(EngineBenchmarks.Options(Steps) with { LogEveryNSteps = 1 }, [new StepClock()], tracker);
            trainer.Fit(new FiveMetrics(), data);
            var clock = (StepClock)trainer.Callbacks.First(c => c is StepClock);
            return (clock.SecondsPerStep, clock.CpuSecondsPerStep);
        }
    }

    private sealed class FiveMetrics : LightningModule<TensorBatch>
    {
        private readonly BenchModel _model = new();

        public FiveMetrics() : base("five") => RegisterComponents();

        public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
        {
            var logits = _model.Forward(batch.Input);
            var loss = nn.functional.cross_entropy(logits, batch.Target);
            Log("train_loss", loss);
            Log("train_acc", logits.argmax(1).eq(batch.Target).to(ScalarType.Float32).mean());
            Log("logit_mean", logits.mean());
            Log("logit_std", logits.std());
            Log("batch_index", batchIndex);
            return loss;
        }

        public override OptimizerSetup ConfigureOptimizers() => optim.Adam(parameters(), 1e-3);
    }

    private sealed class StepClock : Lightning.Core.Callbacks.Callback
    {
        private long _start;
        private TimeSpan _cpuStart;
        public double SecondsPerStep { get; private set; }
        public double CpuSecondsPerStep { get; private set; }

        public override void OnTrainStart(ITrainerView trainer)
        {
            _cpuStart = Environment.CpuUsage.TotalTime;
            _start = Stopwatch.GetTimestamp();
        }

        public override void OnTrainEnd(ITrainerView trainer)
        {
            SecondsPerStep = Stopwatch.GetElapsedTime(_start).TotalSeconds / trainer.GlobalStep;
            CpuSecondsPerStep = (Environment.CpuUsage.TotalTime - _cpuStart).TotalSeconds / trainer.GlobalStep;
        }
    }
}
