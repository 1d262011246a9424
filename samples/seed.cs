// A whole Lightning program in one file: `dotnet run seed.cs` (.NET 10 SDK). The module owns its data, as
// PyTorch Lightning's train_dataloader does, so `trainer.Fit(model)` needs nothing else.
#:package Lightning.Core@0.1.0
#:package libtorch-cpu-linux-x64@2.10.0
#:property PublishAot=false

using System.Globalization;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

Reproducibility.SeedEverything(42);
var model = new Seed();
var before = model.Loss();
var trainer = new Trainer(new TrainerOptions { MaxEpochs = 5, EnableCheckpointing = false, EnableModelSummary = false });
var result = trainer.Fit(model);
var after = model.Loss();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final loss: {after:F6} (before training: {before:F6})"));
return result.Outcome == RunOutcome.Finished ? 0 : 1;

/// <summary>Learns y = 3x - 1 from noisy synthetic points.</summary>
sealed class Seed : LightningModule<TensorBatch>
{
    private readonly Linear _hidden = Linear(1, 16);
    private readonly Linear _output = Linear(16, 1);
    private readonly Tensor _x = rand(512, 1) * 2 - 1;
    private readonly Tensor _y;

    public Seed() : base("seed")
    {
        _y = 3 * _x - 1 + 0.05 * randn(512, 1);
        RegisterComponents();
    }

    public override IBatchLoader<TensorBatch> TrainLoader() =>
        new TensorLoader(_x, _y, new LoaderOptions { BatchSize = 32, Shuffle = true });

    public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
    {
        var loss = functional.mse_loss(Forward(batch.Input), batch.Target);
        Log("train_loss", loss);
        return loss;
    }

    public override OptimizerSetup ConfigureOptimizers() => new(optim.Adam(parameters(), 0.01));

    /// <summary>The mean squared error over all the data, without gradients.</summary>
    public double Loss()
    {
        using var noGrad = no_grad();
        return functional.mse_loss(Forward(_x), _y).item<float>();
    }

    private Tensor Forward(Tensor x) => _output.forward(functional.relu(_hidden.forward(x)));
}
