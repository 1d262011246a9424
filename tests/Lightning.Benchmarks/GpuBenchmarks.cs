using System.Diagnostics;
using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lightning.Benchmarks;

/// <summary>
/// GPU throughput: an MLP (784-2048-2048-10) and a small CNN on synthetic device-resident data, batch 64 and 1024,
/// fp32 and bf16-true, trained by our Trainer and by a plain TorchSharp loop; tests/Lightning.Benchmarks/gpu/baseline.py
/// prints the same lines for plain PyTorch and PyTorch Lightning. Without CUDA it says so and does nothing else.
/// </summary>
public static class GpuBenchmarks
{
    private const int WarmupSteps = 20;
    private const int MeasuredSteps = 200;
    private const int Repeats = 3;

    public static void Run(BenchReport report)
    {
        if (!torch.TryInitializeDeviceType(DeviceType.CUDA) || !torch.cuda.is_available())
        {
            report.Note("gpu: no CUDA device is available to TorchSharp here (CPU-only libtorch or no GPU); " +
                "the gpu suite measures nothing and never falls back to the CPU.");
            return;
        }
        report.Note($"gpu: {torch.cuda.device_count()} CUDA device(s); {WarmupSteps} warm-up + {MeasuredSteps} measured steps, " +
            $"median of {Repeats}; peak GPU memory is not measurable through TorchSharp 0.107 (no CUDA memory statistics API): " +
            "see baseline.py's figures");
        torch.backends.cuda.matmul.allow_tf32 = true;
        torch.backends.cudnn.allow_tf32 = true;
        foreach (var model in new[] { "mlp", "cnn" })
        foreach (var batch in new[] { 64, 1024 })
        foreach (var bf16 in new[] { false, true })
        {
            var name = $"gpu_{model}_{batch}_{(bf16 ? "bf16" : "fp32")}";
            var ours = new List<double>();
            var plain = new List<double>();
            for (var repeat = 0; repeat < Repeats; repeat++)
            {
                plain.Add(PlainLoop(model, batch, bf16));
                ours.Add(WithTrainer(model, batch, bf16));
            }
            report.Figure($"{name}_trainer_samples_per_s", BenchReport.Median(ours));
            report.Figure($"{name}_torchsharp_samples_per_s", BenchReport.Median(plain));
            report.Figure($"{name}_trainer_over_torchsharp", BenchReport.Median(ours) / BenchReport.Median(plain));
        }
        GpuNcclCheck.Run(report);
    }

    internal static Module<Tensor, Tensor> Build(string model) => model == "mlp"
        ? Sequential(Flatten(), Linear(784, 2048), ReLU(), Linear(2048, 2048), ReLU(), Linear(2048, 10))
        : Sequential(Conv2d(1, 32, 3, padding: 1), ReLU(), MaxPool2d(2), Conv2d(32, 64, 3, padding: 1), ReLU(), MaxPool2d(2),
            Flatten(), Linear(64 * 7 * 7, 128), ReLU(), Linear(128, 10));

    private static (Tensor X, Tensor Y) Data(int batch, bool bf16)
    {
        var samples = batch * 64;
        var x = randn([samples, 1, 28, 28], device: CUDA, dtype: bf16 ? ScalarType.BFloat16 : ScalarType.Float32);
        var y = randint(0, 10, [samples], device: CUDA);
        return (x.DetachFromDisposeScope(), y.DetachFromDisposeScope());
    }

    private static double PlainLoop(string name, int batch, bool bf16)
    {
        random.manual_seed(1);
        var (x, y) = Data(batch, bf16);
        var model = Build(name).to(CUDA);
        if (bf16) model.to(ScalarType.BFloat16);
        var optimizer = optim.Adam(model.parameters(), 1e-3);
        var batches = x.shape[0] / batch;
        long start = 0;
        for (var step = 0; step < WarmupSteps + MeasuredSteps; step++)
        {
            if (step == WarmupSteps)
            {
                torch.cuda.synchronize();
                start = Stopwatch.GetTimestamp();
            }
            using var scope = NewDisposeScope();
            var offset = step % batches * batch;
            var loss = functional.cross_entropy(model.forward(x.narrow(0, offset, batch)), y.narrow(0, offset, batch));
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
        }
        torch.cuda.synchronize();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        x.Dispose();
        y.Dispose();
        return MeasuredSteps * (double)batch / seconds;
    }

    private static double WithTrainer(string name, int batch, bool bf16)
    {
        random.manual_seed(1);
        var (x, y) = Data(batch, bf16);
        var clock = new Clock(WarmupSteps);
        var options = EngineBenchmarks.Options(WarmupSteps + MeasuredSteps) with
        {
            Accelerator = AcceleratorKind.Cuda,
            Precision = bf16 ? TrainingPrecision.Bf16True : TrainingPrecision.Full,
            Threads = null,
        };
        new Trainer(options, [clock], new NullTracker(Path.GetTempPath())).Fit(new Classifier(name), new DeviceData(x, y, batch));
        x.Dispose();
        y.Dispose();
        return MeasuredSteps * (double)batch / clock.Seconds;
    }

    private sealed class Classifier : LightningModule<TensorBatch>
    {
        private readonly Module<Tensor, Tensor> _network;

        public Classifier(string name) : base(name)
        {
            _network = Build(name);
            RegisterComponents();
        }

        public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
        {
            var loss = functional.cross_entropy(_network.forward(batch.Input), batch.Target);
            Log("train_loss", loss);
            return loss;
        }

        public override OptimizerSetup ConfigureOptimizers() => optim.Adam(parameters(), 1e-3);
    }

    // Unshuffled slices of device-resident data: the same batches as the plain loop, no host copies.
    private sealed class DeviceData(Tensor x, Tensor y, int batch) : LightningDataModule<TensorBatch>
    {
        public override IBatchLoader<TensorBatch> TrainLoader() => new TensorLoader(x, y, new LoaderOptions { BatchSize = batch, DropLast = true });
    }

    private sealed class Clock(int warmup) : Callback
    {
        private long _start;
        public double Seconds { get; private set; }

        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
        {
            if (trainer.GlobalStep != warmup) return;
            torch.cuda.synchronize();
            _start = Stopwatch.GetTimestamp();
        }

        public override void OnTrainEnd(ITrainerView trainer)
        {
            torch.cuda.synchronize();
            Seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        }
    }
}
