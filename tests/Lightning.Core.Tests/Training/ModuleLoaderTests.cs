using Lightning.Core.Data;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Training;

/// <summary>The one-file path: a module that owns its loaders (Lightning's train_dataloader), and loaders passed to the trainer.</summary>
public sealed class ModuleLoaderTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static TensorLoader Loader(int samples, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return new TensorLoader(randn([samples, 4], generator: generator), randint(0, 3, [samples], generator: generator),
            new LoaderOptions { BatchSize = 4 });
    }

    [Fact]
    public void FitModule_UsesTheModulesOwnLoaders()
    {
        var record = new RecordingCallback();
        var module = new OwningModule(Loader(16, 1), Loader(8, 2));
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 2 }, [record], output: TextWriter.Null).Fit(module);

        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);
        Assert.Equal(8, record.TrainBatches);
        Assert.Equal(2, record.ValidationRuns);
        Assert.Contains("val_loss", result.Metrics.Keys);
    }

    [Fact]
    public void FitWithLoaders_PassedLoadersWinOverTheModules()
    {
        var record = new RecordingCallback();
        var module = new OwningModule(Loader(16, 1), Loader(8, 2));
        var result = new Trainer(Quiet.Options(_root.Path), [record], output: TextWriter.Null).Fit(module, Loader(8, 3), Loader(4, 4));

        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);
        Assert.Equal(2, record.TrainBatches);
        Assert.Equal(1, record.ValidationBatches);
    }

    [Fact]
    public void FitModule_WithoutLoaders_SaysWhatToOverride()
    {
        var result = new Trainer(Quiet.Options(_root.Path), output: TextWriter.Null).Fit(new MlpModule());

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal(
            "MlpModule has no train loader: override TrainLoader() in the module, or pass a loader or a data module to the trainer to fit.",
            result.Message);
    }

    [Fact]
    public void TestAndPredict_TakeALoaderOrTheModules()
    {
        var trainer = new Trainer(Quiet.Options(_root.Path), output: TextWriter.Null);
        var module = new OwningModule(Loader(16, 1), Loader(8, 2));

        Assert.Contains("test_loss", trainer.Test(module, Loader(8, 5)).Keys);
        Assert.Equal(2, trainer.Predict(module).Count);
        var missing = Assert.Throws<InvalidOperationException>(() => trainer.Test(new MlpModule()));
        Assert.StartsWith("MlpModule has no test loader: override TestLoader() in the module", missing.Message);
    }

    private sealed class OwningModule(TensorLoader trainData, TensorLoader validationData) : MlpModule
    {
        public override IBatchLoader<TensorBatch> TrainLoader() => trainData;
        public override IBatchLoader<TensorBatch> ValidationLoader() => validationData;
        public override IBatchLoader<TensorBatch> PredictLoader() => validationData;
    }
}
