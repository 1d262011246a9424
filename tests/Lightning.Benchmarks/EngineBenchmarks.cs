using System.Diagnostics;
using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Benchmarks;

/// <summary>
/// Engine figures: the trainer's step-time overhead over a hand-written loop (paired repeats
/// taking turns at going first, the median of their ratios; each times its steps, not the set-up before them), the
/// in-memory loader's speed against TorchSharp's DataLoader, and resident memory growth over 20,000 steps.
/// </summary>
public static class EngineBenchmarks
{
    private const int BatchSize = 64;
    private const int StepsPerRepeat = 1000;
    // Many short pairs rather than a few long ones: on a shared virtual machine a pair's ratio swings by ±15 %, and the
    // median of 31 pairs is steadier than that of 15 long ones, whose drift within a pair is larger.
    private const int Pairs = 31;

    public static void Run(BenchReport report)
    {
        set_num_threads(1);
        report.Note($"CPU, 1 intra-op thread, MLP 32-64-10, batch {BatchSize}, {StepsPerRepeat} steps per repeat");
        Overhead(report);
        Loader(report);
        Memory(report);
    }

    private static void Overhead(BenchReport report)
    {
        var data = new BenchData(BatchSize * StepsPerRepeat, BatchSize);
        var hand = new List<double>();
        var ours = new List<double>();
        var ratios = new List<double>();
        HandWritten(data);
        Trainer(data);
        for (var repeat = 0; repeat < Pairs; repeat++)
        {
            // Back to back, taking turns at going first, so drift in machine load hits both loops alike; the figure is
            // the median of the per-repeat ratios, which drops the repeats a neighbour disturbed.
            var (h, t) = repeat % 2 == 0 ? (HandWritten(data), Trainer(data)) : Swap(Trainer(data), HandWritten(data));
            hand.Add(h);
            ours.Add(t);
            ratios.Add(t / h);
        }
        report.Note("overhead ratios: " + string.Join(", ", ratios.Select(r => r.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))));
        report.Figure("hand_loop_step_us", BenchReport.Median(hand) * 1e6);
        report.Figure("trainer_step_us", BenchReport.Median(ours) * 1e6);
        report.Figure("trainer_overhead_ratio", BenchReport.Median(ratios));
    }

    private static (double Hand, double Trainer) Swap(double trainer, double hand) => (hand, trainer);

    private static double HandWritten(BenchData data)
    {
        BenchReport.Settle();
        random.manual_seed(1);
        var model = new BenchModel();
        var optimizer = optim.Adam(model.parameters(), 1e-3);
        using var order = EpochPermutation.Create(data.X.shape[0], new LoaderPosition(0, 0, 1));
        var watch = Stopwatch.StartNew();
        for (var step = 0; step < StepsPerRepeat; step++)
        {
            using var scope = NewDisposeScope();
            var indices = order.narrow(0, step * BatchSize, BatchSize);
            var loss = nn.functional.cross_entropy(model.Forward(data.X.index_select(0, indices)), data.Y.index_select(0, indices));
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
        }
        return watch.Elapsed.TotalSeconds / StepsPerRepeat;
    }

    private static double Trainer(BenchData data)
    {
        BenchReport.Settle();
        random.manual_seed(1);
        var model = new BenchModel();
        var timer = new StepTimer();
        var trainer = new Trainer(Options(maxSteps: StepsPerRepeat), [timer], new NullTracker(Path.GetTempPath()));
        trainer.Fit(model, data);
        return timer.Seconds / StepsPerRepeat;
    }

    internal static TrainerOptions Options(long maxSteps) => new()
    {
        MaxEpochs = null,
        MaxSteps = maxSteps,
        Threads = 1,
        Seed = 1,
        EnableCheckpointing = false,
        EnableModelSummary = false,
        EnableProgressBar = false,
        NumSanityValSteps = 0,
        DefaultRootDir = Path.GetTempPath(),
    };

    private static void Loader(BenchReport report)
    {
        var x = randn([8192, 64]);
        var y = randint(0, 10, [8192]);
        var ours = new TensorLoader(x, y, new LoaderOptions { BatchSize = 128, Shuffle = true });
        var oursRates = new List<double>();
        var theirsRates = new List<double>();
        for (var repeat = 0; repeat < 5; repeat++)
        {
            var watch = Stopwatch.StartNew();
            var batches = 0;
            for (var epoch = 0; epoch < 20; epoch++)
            {
                foreach (var batch in ours.Iterate(new LoaderPosition(epoch, 0, 1)))
                {
                    batch.Dispose();
                    batches++;
                }
            }
            oursRates.Add(batches / watch.Elapsed.TotalSeconds);

            using var dataset = utils.data.TensorDataset(x, y);
            using var builtIn = utils.data.DataLoader(dataset, 128, shuffle: true, seed: 1);
            watch.Restart();
            batches = 0;
            foreach (var batch in builtIn) batches++;
            theirsRates.Add(batches / watch.Elapsed.TotalSeconds);
        }
        report.Figure("loader_batches_per_s", BenchReport.Median(oursRates));
        report.Figure("torchsharp_dataloader_batches_per_s", BenchReport.Median(theirsRates));
        report.Figure("loader_speedup_vs_dataloader", BenchReport.Median(oursRates) / BenchReport.Median(theirsRates));
    }

    private static void Memory(BenchReport report)
    {
        const int warmup = 1000;
        const int steps = 20_000;
        var data = new BenchData(BatchSize * 500, BatchSize);
        var probe = new RssProbe(warmup);
        var trainer = new Trainer(Options(maxSteps: warmup + steps) with { MaxEpochs = null }, [probe], new NullTracker(Path.GetTempPath()));
        trainer.Fit(new BenchModel(), data);
        report.Figure("rss_growth_mb_20k_steps", (probe.End - probe.Start) / 1024.0 / 1024.0);
    }

    // From the first step's start to the last step's end: the steps, as the hand-written loop's stopwatch times them.
    private sealed class StepTimer : Callback
    {
        private long _start;
        private long _end;

        public double Seconds => Stopwatch.GetElapsedTime(_start, _end).TotalSeconds;

        public override void OnTrainBatchStart(ITrainerView trainer, long batchIndex)
        {
            if (_start == 0) _start = Stopwatch.GetTimestamp();
        }

        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize) => _end = Stopwatch.GetTimestamp();
    }

    private sealed class RssProbe(int warmup) : Callback
    {
        public long Start { get; private set; }
        public long End { get; private set; }

        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
        {
            if (trainer.GlobalStep == warmup) Start = Rss();
        }

        public override void OnTrainEnd(ITrainerView trainer) => End = Rss();

        private static long Rss()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
    }
}
