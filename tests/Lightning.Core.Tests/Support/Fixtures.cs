using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lightning.Core.Tests.Support;

/// <summary>A small MLP regressor-classifier used across trainer tests.</summary>
public class MlpModule : LightningModule<TensorBatch>
{
    private readonly Linear _first;
    private readonly Linear _second;
    private readonly Func<optim.Optimizer, SchedulerSetup?>? _scheduler;

    public MlpModule(int inputs = 4, int hidden = 8, int outputs = 3, Func<optim.Optimizer, SchedulerSetup?>? scheduler = null) : base("mlp")
    {
        _first = Linear(inputs, hidden);
        _second = Linear(hidden, outputs);
        _scheduler = scheduler;
        RegisterComponents();
    }

    public double LearningRate { get; init; } = 0.05;

    public Tensor Forward(Tensor x) => _second.forward(functional.relu(_first.forward(x)));

    public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
    {
        var loss = functional.cross_entropy(Forward(batch.Input), batch.Target);
        Log("train_loss", loss);
        return loss;
    }

    public override void ValidationStep(TensorBatch batch, long batchIndex) =>
        Log("val_loss", functional.cross_entropy(Forward(batch.Input), batch.Target));

    public override void TestStep(TensorBatch batch, long batchIndex) =>
        Log("test_loss", functional.cross_entropy(Forward(batch.Input), batch.Target));

    public override Tensor PredictStep(TensorBatch batch, long batchIndex) => Forward(batch.Input).argmax(1);

    public override OptimizerSetup ConfigureOptimizers()
    {
        var optimizer = optim.SGD(parameters(), LearningRate);
        return new OptimizerSetup(optimizer, _scheduler?.Invoke(optimizer));
    }
}

/// <summary>Random classification data (default 4 features, 3 classes), fixed by a seed, in memory.</summary>
public sealed class RandomData(
    int samples = 64, int batchSize = 4, bool shuffle = true, int validationSamples = 32, long seed = 3, int features = 4, int classes = 3)
    : LightningDataModule<TensorBatch>
{
    public Tensor? TrainX { get; private set; }
    public Tensor? TrainY { get; private set; }
    private Tensor? _valX, _valY;

    public override void Setup(Stage stage)
    {
        if (TrainX is not null) return;
        using var generator = new Generator((ulong)seed);
        TrainX = randn([samples, features], generator: generator);
        TrainY = randint(0, classes, [samples], generator: generator);
        _valX = randn([validationSamples, features], generator: generator);
        _valY = randint(0, classes, [validationSamples], generator: generator);
    }

    public override IBatchLoader<TensorBatch> TrainLoader() =>
        new TensorLoader(TrainX!, TrainY!, new LoaderOptions { BatchSize = batchSize, Shuffle = shuffle });

    public override IBatchLoader<TensorBatch>? ValidationLoader() =>
        validationSamples == 0 ? null : new TensorLoader(_valX!, _valY!, new LoaderOptions { BatchSize = batchSize });

    public override IBatchLoader<TensorBatch> TestLoader() => new TensorLoader(_valX!, _valY!, new LoaderOptions { BatchSize = batchSize });

    public override IBatchLoader<TensorBatch> PredictLoader() => TestLoader();
}

public static class Quiet
{
    /// <summary>Options for in-process tests: no progress, summary or checkpoints unless asked, one thread, fixed seed.</summary>
    public static TrainerOptions Options(string root) => new()
    {
        DefaultRootDir = root,
        EnableProgressBar = false,
        EnableModelSummary = false,
        EnableCheckpointing = false,
        NumSanityValSteps = 0,
        Threads = 1,
        Seed = 42,
        MaxEpochs = 1,
    };
}
