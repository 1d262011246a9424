using System.Globalization;
using System.Runtime.InteropServices;
using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Logging;
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
    /// Arguments: folder, ddp|reference, accumulate_grad_batches, gradient_clip_val (0 for none), then any of
    /// "tracked" (a CSV tracker and checkpoints under the folder), "stop-on-rank1" (rank 1 alone asks to stop at step 10),
    /// "throw-on-rank1" (rank 1's training step throws at step 10), "kill-me" (no step limit; rank 1 prints its pid
    /// at step 40 and waits for the test to kill it), "max-steps=N" (instead of 50), "resume" (from the folder's last.ckpt) and
    /// "rank-noise" (dropout, and rank 1 draws more random numbers than rank 0, as augmentation keyed by rank would) and
    /// "wide" (a hidden layer of 8192, whose first weight is large enough to be all-reduced in place, not in the bucket).
    /// </summary>
    public static int Run(string[] args)
    {
        var (folder, mode) = (args[1], args[2]);
        Directory.CreateDirectory(folder);
        var accumulate = int.Parse(args[3], CultureInfo.InvariantCulture);
        var clip = double.Parse(args[4], CultureInfo.InvariantCulture);
        var flags = args[5..];
        var tracked = flags.Contains("tracked");
        var stopOnRank1 = flags.Contains("stop-on-rank1");
        var killMe = flags.Contains("kill-me");
        var maxSteps = flags.Where(f => f.StartsWith("max-steps=", StringComparison.Ordinal))
            .Select(f => int.Parse(f["max-steps=".Length..], CultureInfo.InvariantCulture)).DefaultIfEmpty(50).Single();
        var options = new TrainerOptions
        {
            Strategy = mode == "ddp" ? TrainingStrategy.Ddp : TrainingStrategy.Single,
            MaxSteps = killMe ? -1 : maxSteps,
            MaxEpochs = killMe ? 100_000 : null,
            Seed = 7,
            Threads = 1,
            AccumulateGradBatches = accumulate,
            GradientClipVal = clip > 0 ? clip : null,
            EnableCheckpointing = tracked,
            EnableProgressBar = false,
            EnableModelSummary = false,
            DefaultRootDir = Path.Combine(folder, "root"),
        };
        var launch = Lightning.Core.Distributed.LaunchEnvironment.Detect();
        var rank = launch?.Rank ?? 0;
        Callback[] callbacks = (stopOnRank1, killMe, rank) switch
        {
            (true, _, 1) => [new StopAtStep10()],
            (_, true, 1) => [new PidAtStep40()],
            _ => [],
        };
        var trainer = new Trainer(options, callbacks, tracked ? new CsvTracker(folder) : null, TextWriter.Null);
        // Each rank builds its model from a different seed: only the trainer's broadcast makes them start equal.
        random.manual_seed(100 + rank);
        using var module = new Mlp(flags.Contains("throw-on-rank1") && rank == 1, flags.Contains("rank-noise") ? rank : null,
            flags.Contains("wide") ? 8192 : 32);
        var (inputs, targets) = Data();
        var loader = new TensorLoader(inputs, targets, new LoaderOptions { BatchSize = BatchSize, Shuffle = true });
        var resume = flags.Contains("resume") ? Directory.GetFiles(folder, "last.ckpt", SearchOption.AllDirectories).Single() : null;
        var result = mode == "ddp"
            ? trainer.Fit(module, loader, loader, resume)
            : trainer.Fit(module, new UnionOfShards(loader), new UnionOfShards(loader));
        if (result.Message is { } message) Console.WriteLine($"rank={rank} stopped={message}");
        // Ends as the app host does, by returning (MPI_Finalize then runs at exit), not by crashing, which mpirun would
        // notice on its own: a failed rank must end the job itself.
        if (result.Outcome != RunOutcome.Finished)
        {
            Console.Error.WriteLine($"rank={rank} ended={result.Outcome}: {result.Message}");
            return 1;
        }
        var name = mode == "ddp" ? $"weights-rank{rank}.bin" : "weights-reference.bin";
        File.WriteAllBytes(Path.Combine(folder, name), Weights(module));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rank={rank} fitted=steps {result.GlobalStep} world {trainer.ProcessGroup.WorldSize} launcher {launch?.Launcher ?? "none"}"));
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

    // The line a test waits for before it kills this rank; the rank then waits to be killed, so the kill lands at
    // step 40, mid-epoch, whatever the machine's speed, with rank 0 waiting in the next step's all-reduce.
    private sealed class PidAtStep40 : Callback
    {
        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
        {
            if (trainer.GlobalStep != 40) return;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank=1 pid={Environment.ProcessId} step=40"));
            Console.Out.Flush();
            using var killed = new ManualResetEventSlim();
            killed.Wait();
        }
    }

    private sealed class Mlp : LightningModule<TensorBatch>
    {
        private readonly TorchSharp.Modules.Linear _first;
        private readonly TorchSharp.Modules.Linear _second;
        private readonly Lightning.Core.Metrics.Accuracy _accuracy = new(Lightning.Core.Metrics.ClassificationTask.Multiclass, 4);
        private readonly bool _throwAtStep10;
        private readonly int? _noiseRank;

        public Mlp(bool throwAtStep10, int? noiseRank, int hidden) : base("mlp")
        {
            _first = Linear(8, hidden);
            _second = Linear(hidden, 4);
            _throwAtStep10 = throwAtStep10;
            _noiseRank = noiseRank;
            RegisterComponents();
        }

        private Tensor Forward(Tensor x)
        {
            var hidden = functional.relu(_first.forward(x));
            return _second.forward(_noiseRank is null ? hidden : functional.dropout(hidden, 0.3, training));
        }

        public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
        {
            if (_throwAtStep10 && Trainer!.GlobalStep == 10) throw new InvalidOperationException("The training step of rank 1 broke at step 10.");
            if (_noiseRank is { } noisy) rand(noisy + 1).Dispose();
            var loss = functional.cross_entropy(Forward(batch.Input), batch.Target);
            // The mean over the ranks, as the reference's loss over both shards' samples (equal-sized halves).
            Log("train_loss", loss, new LogOptions(SyncDist: true));
            return loss;
        }

        public override void ValidationStep(TensorBatch batch, long batchIndex)
        {
            var logits = Forward(batch.Input);
            Log("val_loss", functional.cross_entropy(logits, batch.Target));
            // A metric object: its counts must cover both shards, as the reference's do.
            _accuracy.Update(logits, batch.Target);
            Log("val_acc", _accuracy);
        }

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
