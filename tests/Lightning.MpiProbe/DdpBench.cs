using System.Diagnostics;
using System.Globalization;
using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

/// <summary>
/// The "ddp-bench" mode: trains an MLP 512-2048-2048-10 on batches of the given size per process, and prints on rank 0
/// the training throughput of all processes together after warm-up as <c>samples_per_s=X</c>.
/// Arguments: ddp|single, measured steps, batch size per process.
/// </summary>
internal static class DdpBench
{
    private const int WarmupSteps = 3;

    public static int Run(string[] args)
    {
        var ddp = args[1] == "ddp";
        var steps = int.Parse(args[2], CultureInfo.InvariantCulture);
        var batch = int.Parse(args[3], CultureInfo.InvariantCulture);
        var timer = new StepTimer(WarmupSteps);
        var options = new TrainerOptions
        {
            Strategy = ddp ? TrainingStrategy.Ddp : TrainingStrategy.Single,
            MaxSteps = WarmupSteps + steps,
            Seed = 1,
            Threads = 1,
            EnableCheckpointing = false,
            EnableProgressBar = false,
            EnableModelSummary = false,
            NumSanityValSteps = 0,
        };
        var trainer = new Trainer(options, [timer], output: TextWriter.Null);
        var world = trainer.ProcessGroup.WorldSize;
        using var module = new Mlp();
        using var generator = new Generator(5);
        var samples = batch * world * (WarmupSteps + steps);
        using var inputs = randn([samples, 512], generator: generator);
        using var targets = randint(0, 10, [samples], generator: generator);
        // Batch size is per process, as in Lightning: the distributed sampler gives each rank its shard of the data.
        var loader = new TensorLoader(inputs, targets, new LoaderOptions { BatchSize = batch });
        var result = trainer.Fit(module, loader);
        if (result.Outcome != RunOutcome.Finished) throw new InvalidOperationException($"The fit ended {result.Outcome}: {result.Message}");
        if (trainer.ProcessGroup.Rank == 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"samples_per_s={batch * world * steps / timer.Seconds:G6}"));
        return 0;
    }

    // From the end of the last warm-up step to the end of the last step.
    private sealed class StepTimer(int warmup) : Callback
    {
        private long _start;
        private long _end;

        public double Seconds => Stopwatch.GetElapsedTime(_start, _end).TotalSeconds;

        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
        {
            if (trainer.GlobalStep == warmup) _start = Stopwatch.GetTimestamp();
            _end = Stopwatch.GetTimestamp();
        }
    }

    private sealed class Mlp : LightningModule<TensorBatch>
    {
        private readonly TorchSharp.Modules.Sequential _layers = Sequential(Linear(512, 2048), ReLU(), Linear(2048, 2048), ReLU(), Linear(2048, 10));

        public Mlp() : base("bench_mlp") => RegisterComponents();

        public override Tensor TrainingStep(TensorBatch batch, long batchIndex) =>
            functional.cross_entropy(_layers.forward(batch.Input), batch.Target);

        public override OptimizerSetup ConfigureOptimizers() => new(optim.SGD(parameters(), 0.01));
    }
}
