using Lightning.Core.Data;
using Lightning.Core.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lightning.Benchmarks;

/// <summary>The small MLP of the overhead figure (32 → 64 → 10, Adam), the same for both loops.</summary>
public sealed class BenchModel : LightningModule<TensorBatch>
{
    private readonly Linear _first = Linear(32, 64);
    private readonly Linear _second = Linear(64, 10);

    public BenchModel() : base("bench") => RegisterComponents();

    public Tensor Forward(Tensor x) => _second.forward(functional.relu(_first.forward(x)));

    public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
    {
        var loss = functional.cross_entropy(Forward(batch.Input), batch.Target);
        Log("train_loss", loss);
        return loss;
    }

    public override OptimizerSetup ConfigureOptimizers() => optim.Adam(parameters(), 1e-3);
}

/// <summary>Synthetic data held in memory.</summary>
public sealed class BenchData(int samples, int batchSize) : LightningDataModule<TensorBatch>
{
    public Tensor X { get; } = randn([samples, 32]).DetachFromDisposeScope();
    public Tensor Y { get; } = randint(0, 10, [samples]).DetachFromDisposeScope();

    public override IBatchLoader<TensorBatch> TrainLoader() => new TensorLoader(X, Y, new LoaderOptions { BatchSize = batchSize, Shuffle = true });
}
