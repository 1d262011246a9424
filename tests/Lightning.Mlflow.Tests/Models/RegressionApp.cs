using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Training;
using Lightning.Hosting;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lightning.Mlflow.Tests.Models;

/// <summary>The model section of <see cref="RegressionModule"/>.</summary>
public sealed record RegressionOptions
{
    public int Hidden { get; init; } = 8;
    public double Lr { get; init; } = 0.05;
}

/// <summary>A two-layer regression module small enough to train in well under a second.</summary>
public sealed class RegressionModule : LightningModule<TensorBatch>
{
    private readonly Linear _hidden;
    private readonly Linear _output;
    private readonly RegressionOptions _options;

    public RegressionModule(RegressionOptions options) : base(nameof(RegressionModule))
    {
        _options = options;
        _hidden = Linear(4, options.Hidden);
        _output = Linear(options.Hidden, 2);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x) => _output.forward(functional.tanh(_hidden.forward(x)));

    public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
    {
        var loss = functional.mse_loss(Forward(batch.Input), batch.Target);
        Log("train_loss", loss);
        return loss;
    }

    public override void ValidationStep(TensorBatch batch, long batchIndex) =>
        Log("val_loss", functional.mse_loss(Forward(batch.Input), batch.Target));

    public override Tensor PredictStep(TensorBatch batch, long batchIndex) => Forward(batch.Input);

    public override OptimizerSetup ConfigureOptimizers() => optim.SGD(parameters(), _options.Lr);
}

/// <summary>Fixed synthetic data: 32 training and 8 validation rows of 4 features and 2 targets.</summary>
public sealed class RegressionData : LightningDataModule<TensorBatch>
{
    private Tensor? _x, _y;

    public static Tensor Probe() => linspace(-1, 1, 12).reshape(3, 4);

    public override void Setup(Stage stage) => (_x, _y) = Rows();

    /// <summary>The 40 rows; the last 8 are the validation and predict rows.</summary>
    public static (Tensor X, Tensor Y) Rows()
    {
        using var generator = new Generator(7);
        var x = randn([40, 4], generator: generator);
        return (x, stack([x.sum(1), x[.., 0] - x[.., 1]], 1));
    }

    public override IBatchLoader<TensorBatch> TrainLoader() => new TensorLoader(_x![..32], _y![..32], new LoaderOptions { BatchSize = 8 });

    public override IBatchLoader<TensorBatch> ValidationLoader() => new TensorLoader(_x![32..], _y![32..], new LoaderOptions { BatchSize = 8 });

    public override IBatchLoader<TensorBatch> PredictLoader() => ValidationLoader();
}

/// <summary>Keeps what the trained module predicts for <see cref="RegressionData.Probe"/> at the end of the fit.</summary>
public sealed class ProbeCallback : Callback
{
    public Tensor? Predictions { get; private set; }

    public override void OnFitEnd(ITrainerView trainer)
    {
        using var _ = no_grad();
        Predictions = ((RegressionModule)trainer.Module).Forward(RegressionData.Probe()).detach().clone();
    }
}

/// <summary>Runs the app host in this process, as <c>LightningApp.Run</c> with <c>UseMlflow</c>.</summary>
public static class RegressionApp
{
    public static (int ExitCode, string Output, string Error) Run(string root, IEnumerable<string> args, params Callback[] callbacks)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var host = new AppHostOptions { Output = output, Error = error, OutputIsTerminal = false, Callbacks = callbacks }.UseMlflow();
        var code = LightningApp.Run<RegressionModule, RegressionData>(
        [
            .. args, $"--trainer.default_root_dir={root}", "--trainer.max_epochs=2", "--trainer.enable_model_summary=false",
            "--trainer.enable_progress_bar=false", "--trainer.seed=3", "--trainer.threads=1",
        ], host);
        return (code, output.ToString(), error.ToString());
    }
}
