using Lightning.Core.Callbacks;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Tests.Callbacks;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lightning.Core.Tests.Training;

/// <summary>A fit that could only pretend to train is refused with a sentence that says what to fix.</summary>
public sealed class NoSilentNoOpTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void AModuleThatNeverRegisteredItsLayers_FailsBeforeTraining()
    {
        var tracker = new RecordingTracker(_root.Path);
        var result = new Trainer(Quiet.Options(_root.Path), tracker: tracker).Fit(new UnregisteredModule(), new RandomData());
        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Contains("UnregisteredModule has no trainable parameters", result.Message);
        Assert.Contains("RegisterComponents()", result.Message);
        Assert.Equal(0, result.GlobalStep);
        Assert.Null(tracker.Start);
    }

    [Fact]
    public void AnOptimizerOverNoParameters_FailsBeforeTraining()
    {
        var result = new Trainer(Quiet.Options(_root.Path)).Fit(new EmptyOptimizerModule(), new RandomData());
        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Contains("has no parameters to update", result.Message);
        Assert.Equal(0, result.GlobalStep);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AMonitorThatIsNeverLogged_IsAConfigurationErrorAtTheFirstValidation(bool checkpoint)
    {
        Callback callback = checkpoint
            ? new ModelCheckpoint(new ModelCheckpointOptions { Monitor = "val_los", DirPath = _root.Combine("ckpt") })
            : new EarlyStopping(new EarlyStoppingOptions { Enabled = true, Monitor = "val_los" });
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 5 }, [callback]).Fit(new MlpModule(), new RandomData());
        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal(1, result.Epochs is 0 or 1 ? 1 : result.Epochs);
        var issue = Assert.Single(Assert.IsType<LightningConfigException>(result.Error).Issues);
        Assert.Equal(checkpoint ? "callbacks.model_checkpoint.monitor" : "callbacks.early_stopping.monitor", issue.Key);
        Assert.Contains("logged: train_loss, val_loss", issue.Message);
        Assert.Contains("Did you mean 'val_loss'?", issue.Message);
        Assert.True(result.GlobalStep <= 16, $"trained on to step {result.GlobalStep}");
    }

    private sealed class UnregisteredModule : LightningModule<TensorBatch>
    {
        private readonly Linear _layer = Linear(4, 3);

        public UnregisteredModule() : base("unregistered") { }

        public override Tensor TrainingStep(TensorBatch batch, long batchIndex) =>
            functional.cross_entropy(_layer.forward(batch.Input), batch.Target);

        public override OptimizerSetup ConfigureOptimizers() => new(optim.SGD(parameters(), 0.1));
    }

    private sealed class EmptyOptimizerModule : MlpModule
    {
        public override OptimizerSetup ConfigureOptimizers() => new(optim.SGD(Array.Empty<Parameter>(), 0.1));
    }
}
