using System.Globalization;
using System.Runtime.InteropServices;
using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

/// <summary>
/// The "ddp-fit" mode: trains a small MLP with the Trainer and writes its final weights as raw float32, one file per
/// process. "ddp" joins the job mpirun started; "reference" is one process fed, batch by batch, the union of the
/// two ranks' shards, which data-parallel training must match.
/// </summary>
internal static class DdpFit
{
    private const int Samples = 1001; // odd, so the shards are padded by wrapping and each epoch ends in a short batch
    private const int BatchSize = 32;

    /// <summary>
    /// Arguments: folder, ddp|reference, accumulate_grad_batches, gradient_clip_val (0 for none), then optionally
    /// "tracked" (a CSV tracker and checkpoints under the folder) or "stop-on-rank1" (rank 1 alone asks to stop at step 10).
    /// </summary>
    public static int Run(string[] args)
    {
        var (folder, mode) = (args[1], args[2]);
        var accumulate = int.Parse(args[3], CultureInfo.InvariantCulture);
        var clip = double.Parse(args[4], CultureInfo.InvariantCulture);
        var tracked = args.Length > 5 && args[5] == "tracked";
        var stopOnRank1 = args.Length > 5 && args[5] == "stop-on-rank1";
        var options = new TrainerOptions
        {
            Strategy = mode == "ddp" ? TrainingStrategy.Ddp : TrainingStrategy.Single,
            MaxSteps = 50,
            Seed = 7,
            Threads = 1,
            AccumulateGradBatches = accumulate,
            GradientClipVal = clip > 0 ? clip : null,
            EnableCheckpointing = tracked,
            EnableProgressBar = false,
            EnableModelSummary = false,
            DefaultRootDir = Path.Combine(folder, "root"),
        };
        var rank = Lightning.Core.Distributed.LaunchEnvironment.Detect()?.Rank ?? 0;
        Callback[] callbacks = stopOnRank1 && rank == 1 ? [new StopAtStep10()] : [];
        var trainer = new Trainer(options, callbacks, tracked ? new CsvTracker(folder) : null, TextWriter.Null);
        // Each rank builds its model from a different seed: only the trainer's broadcast makes them start equal.
        random.manual_seed(100 + rank);
        using var module = new Mlp();
        var (inputs, targets) = Data();
        var loader = new TensorLoader(inputs, targets, new LoaderOptions { BatchSize = BatchSize, Shuffle = true });
        var result = mode == "ddp"
            ? trainer.Fit(module, loader, loader)
            : trainer.Fit(module, new UnionOfShards(loader), new UnionOfShards(loader));
        if (result.Message is { } message) Console.WriteLine($"rank={rank} stopped={message}");
        if (result.Outcome != RunOutcome.Finished) throw new InvalidOperationException($"The fit ended {result.Outcome}: {result.Message}");
        var name = mode == "ddp" ? $"weights-rank{rank}.bin" : "weights-reference.bin";
        File.WriteAllBytes(Path.Combine(folder, name), Weights(module));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rank={rank} fitted=steps {result.GlobalStep} world {trainer.ProcessGroup.WorldSize}"));
        return 0;
    }

    private static (Tensor Inputs, Tensor Targets) Data()
    {
        using var generator = new Generator(3);
        return (randn([Samples, 8], generator: generator), randint(0, 4, [Samples], generator: generator));
    }

    private static byte[] Weights(Module module)
    {
        using var scope = NewDisposeScope();
        var flat = cat([.. module.parameters().Select(p => p.detach().reshape(-1))]).contiguous();
        return MemoryMarshal.AsBytes(flat.data<float>().ToArray().AsSpan()).ToArray();
    }

    private sealed class StopAtStep10 : Callback
    {
        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
        {
            if (trainer.GlobalStep == 10) trainer.RequestStop("Rank 1 asked to stop at step 10.");
        }
    }

    private sealed class Mlp : LightningModule<TensorBatch>
    {
        private readonly TorchSharp.Modules.Linear _first = Linear(8, 32);
        private readonly TorchSharp.Modules.Linear _second = Linear(32, 4);

        public Mlp() : base("mlp") => RegisterComponents();

        private Tensor Forward(Tensor x) => _second.forward(functional.relu(_first.forward(x)));

        public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
        {
            var loss = functional.cross_entropy(Forward(batch.Input), batch.Target);
            Log("train_loss", loss);
            return loss;
        }

        public override void ValidationStep(TensorBatch batch, long batchIndex) =>
            Log("val_loss", functional.cross_entropy(Forward(batch.Input), batch.Target));

        public override OptimizerSetup ConfigureOptimizers() =>
            new(optim.SGD(parameters(), 0.1, momentum: 0.9));
    }

    // Batch b of the reference is rank 0's batch b followed by rank 1's: 64 samples, the same order as the two ranks.
    private sealed class UnionOfShards(TensorLoader whole) : IBatchLoader<TensorBatch>
    {
        private readonly IBatchLoader<TensorBatch> _first = whole.Shard(new DistributedShard(0, 2));
        private readonly IBatchLoader<TensorBatch> _second = whole.Shard(new DistributedShard(1, 2));

        public long BatchesPerEpoch => _first.BatchesPerEpoch;

        public IEnumerable<TensorBatch> Iterate(LoaderPosition position) =>
            _first.Iterate(position).Zip(_second.Iterate(position), (a, b) => new TensorBatch(cat([a.Input, b.Input]), cat([a.Target, b.Target])));
    }
}
