using Lightning.Core.Data;
using Lightning.Core.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lightning.Core.Tests.Tuning;

/// <summary>A linear regressor whose best learning rate the data's scale sets; optionally keeps one optimizer across fits.</summary>
public sealed class RegressionModule : LightningModule<TensorBatch>
{
    private readonly Linear _linear;
    private readonly bool _keepOptimizer;
    private optim.Optimizer? _optimizer;

    public RegressionModule(double lr = 0.01, bool adam = false, bool keepOptimizer = false, bool plateau = false) : base("regression")
    {
        Plateau = plateau;
        _linear = Linear(8, 1);
        Lr = lr;
        Adam = adam;
        _keepOptimizer = keepOptimizer;
        RegisterComponents();
    }

    public double Lr { get; }

    public bool Adam { get; }

    /// <summary>Configure a ReduceLROnPlateau on val_loss, as the templates do.</summary>
    public bool Plateau { get; }

    public Tensor Forward(Tensor x) => _linear.forward(x);

    public override Tensor TrainingStep(TensorBatch batch, long batchIndex) => functional.mse_loss(Forward(batch.Input), batch.Target);

    // A module that keeps its optimizer (as one built in the constructor would) shows whether its state survives the sweep.
    public override OptimizerSetup ConfigureOptimizers()
    {
        if (_keepOptimizer && _optimizer is not null) return _optimizer;
        _optimizer = Adam ? optim.Adam(parameters(), Lr) : optim.SGD(parameters(), Lr);
        return Plateau
            ? new OptimizerSetup(_optimizer, new SchedulerSetup(optim.lr_scheduler.ReduceLROnPlateau(_optimizer), SchedulerInterval.Epoch,
                Monitor: "val_loss"))
            : _optimizer;
    }

    /// <summary>The mean squared error over all of <paramref name="data"/>'s training samples.</summary>
    public double Loss(RegressionData data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return functional.mse_loss(Forward(data.X!), data.Y!).item<float>();
    }
}

/// <summary>y = a linear function of 8 unit-variance features plus a little noise, fixed by a seed: plain SGD diverges above lr = 1.</summary>
public sealed class RegressionData(int samples = 512, int batchSize = 32) : LightningDataModule<TensorBatch>
{
    public Tensor? X { get; private set; }
    public Tensor? Y { get; private set; }

    public override void Setup(Stage stage)
    {
        if (X is not null) return;
        using var generator = new Generator(11);
        X = randn([samples, 8], generator: generator);
        var w = randn([8, 1], generator: generator);
        Y = X.matmul(3 * w) + 0.1 * randn([samples, 1], generator: generator);
    }

    public override IBatchLoader<TensorBatch> TrainLoader() => new TensorLoader(X!, Y!, new LoaderOptions { BatchSize = batchSize, Shuffle = true });
}
