using Lightning.TestSupport;
using Lightning.Core.Callbacks;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;

namespace Lightning.Core.Tests.Callbacks;

public sealed class EarlyStoppingTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private (FitResult Result, EarlyStopping Stopper) Fit(EarlyStoppingOptions options, double[] scores, int maxEpochs = 20)
    {
        var stopper = new EarlyStopping(options with { Enabled = true, Monitor = "score" });
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = maxEpochs, LimitTrainBatches = BatchLimit.OfCount(1) }, [stopper])
            .Fit(new ScriptedModule(scores), new RandomData());
        return (result, stopper);
    }

    [Fact]
    public void Patience_StopsAfterThatManyChecksWithoutImprovement()
    {
        var (result, stopper) = Fit(new EarlyStoppingOptions { Patience = 3 }, [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.4]);
        Assert.Equal(RunOutcome.Finished, result.Outcome);
        Assert.Equal(5, result.Epochs);
        Assert.Equal(4, stopper.StoppedEpoch);
        Assert.Equal(0.9, stopper.BestScore!.Value, 10);
    }

    [Fact]
    public void MinDelta_SmallImprovementsDoNotCount()
    {
        var (result, _) = Fit(new EarlyStoppingOptions { Patience = 2, MinDelta = 0.1 }, [1.0, 0.95, 0.92, 0.5]);
        Assert.Equal(3, result.Epochs);
    }

    [Fact]
    public void ModeMax_HigherIsBetter()
    {
        var (result, _) = Fit(new EarlyStoppingOptions { Patience = 1, Mode = MonitorMode.Max }, [0.1, 0.5, 0.4, 0.9]);
        Assert.Equal(3, result.Epochs);
    }

    [Fact]
    public void StoppingThreshold_StopsWhenGoodEnough()
    {
        var (result, stopper) = Fit(new EarlyStoppingOptions { Patience = 10, StoppingThreshold = 0.2 }, [1.0, 0.5, 0.1, 0.05]);
        Assert.Equal(3, result.Epochs);
        Assert.Contains("Stopping threshold", stopper.StoppingReason);
    }

    [Fact]
    public void DivergenceThreshold_StopsWhenTooBad()
    {
        var (result, stopper) = Fit(new EarlyStoppingOptions { Patience = 10, DivergenceThreshold = 5 }, [1.0, 2.0, 9.0, 1.0]);
        Assert.Equal(3, result.Epochs);
        Assert.Contains("Divergence", stopper.StoppingReason);
    }

    [Fact]
    public void CheckFinite_StopsOnNaN()
    {
        var (result, stopper) = Fit(new EarlyStoppingOptions { Patience = 10 }, [1.0, double.NaN, 0.5]);
        Assert.Equal(2, result.Epochs);
        Assert.Contains("not finite", stopper.StoppingReason);
    }

    [Fact]
    public void MissingMonitor_FailsNamingTheLoggedMetrics()
    {
        var stopper = new EarlyStopping(new EarlyStoppingOptions { Enabled = true, Monitor = "val_acc" });
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 3 }, [stopper]).Fit(new MlpModule(), new RandomData());
        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Contains("'val_acc'", result.Message);
        Assert.Contains("val_loss", result.Message);
    }
}
