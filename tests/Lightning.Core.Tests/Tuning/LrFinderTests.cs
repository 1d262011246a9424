using Lightning.Core.Configuration;
using Lightning.Core.Tests.Support;
using Lightning.Core.Tests.Training;
using Lightning.Core.Training;
using Lightning.Core.Tuning;
using Lightning.TestSupport;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Tuning;

/// <summary>Tuner.LrFind: the sweep on a real model and data, its suggestion, its early stop, and a module left as it was.</summary>
[Collection(GlobalStateCollection.Name)]
public sealed class LrFinderTests(ITestOutputHelper log) : IDisposable
{
    private const int GridSteps = 100;
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private Trainer NewTrainer(long maxSteps = -1) =>
        new(Quiet.Options(_root.Path) with { MaxSteps = maxSteps, MaxEpochs = null }, output: TextWriter.Null);

    [Fact]
    public void Suggestion_IsWithinAFactorOfThree_OfTheBestFixedLearningRate()
    {
        // The grid: the same initial weights trained for a fixed number of steps at each rate; the best ends lowest.
        var grid = Enumerable.Range(-16, 17).Select(k => Math.Pow(10, k / 4.0)).ToArray();
        var finals = grid.Select(lr =>
        {
            random.manual_seed(5);
            var module = new RegressionModule(lr);
            var data = new RegressionData();
            var result = NewTrainer(GridSteps).Fit(module, data);
            return result.Outcome == RunOutcome.Finished ? module.Loss(data) : double.PositiveInfinity;
        }).ToArray();
        var best = grid[Array.IndexOf(finals, finals.Where(double.IsFinite).Min())];

        random.manual_seed(5);
        var found = new Tuner(NewTrainer()).LrFind(new RegressionModule(), new RegressionData());

        log.WriteLine($"grid: {string.Join(", ", grid.Zip(finals, (lr, loss) => $"{lr:G3}->{loss:G4}"))}");
        log.WriteLine($"finder suggestion {found.Suggestion:G4} vs grid best {best:G4} ({found.LearningRates.Count} steps)");
        log.WriteLine($"curve: {string.Join(", ", found.LearningRates.Zip(found.Losses, (lr, loss) => $"{lr:G2}->{loss:G4}"))}");
        Assert.NotNull(found.Suggestion);
        Assert.InRange(found.Suggestion!.Value, best / 3, best * 3);
    }

    [Fact]
    public void WeightsAndOptimizerState_AreRestoredBitForBit()
    {
        random.manual_seed(5);
        var module = new RegressionModule(1e-3, adam: true, keepOptimizer: true);
        var data = new RegressionData();
        // Some training first, so the kept Adam optimizer has moments and a step count to lose.
        Assert.Equal(RunOutcome.Finished, NewTrainer(20).Fit(module, data).Outcome);
        var optimizer = module.ConfigureOptimizers().Optimizer;
        var weightsBefore = Weights(module);
        var stateBefore = OptimizerBytes(optimizer);

        var found = new Tuner(NewTrainer()).LrFind(module, data, new LrFindOptions { NumTraining = 30, MaxLr = 0.1 });

        Assert.Equal(30, found.LearningRates.Count);
        Assert.Equal(weightsBefore, Weights(module));
        Assert.Equal(stateBefore, OptimizerBytes(optimizer));
        Assert.All(optimizer.ParamGroups, g => Assert.Equal(1e-3, g.LearningRate));
    }

    [Fact]
    public void APlateauSchedulerOnValLoss_IsLeftOut_AsLightningReplacesTheSchedulers()
    {
        // The templates' modules step a ReduceLROnPlateau on val_loss, which the finder (no validation) never logs.
        random.manual_seed(5);

        var found = new Tuner(NewTrainer()).LrFind(new RegressionModule(plateau: true), new RegressionData(), new LrFindOptions { NumTraining = 30 });

        Assert.Equal(30, found.LearningRates.Count);
    }

    [Fact]
    public void DivergingLoss_StopsTheSweepEarly()
    {
        random.manual_seed(5);
        var options = new LrFindOptions { MinLr = 1e-3, MaxLr = 1e4, NumTraining = 100 };
        var found = new Tuner(NewTrainer()).LrFind(new RegressionModule(), new RegressionData(), options);

        Assert.True(found.StoppedEarly);
        Assert.InRange(found.LearningRates.Count, 2, options.NumTraining - 1);
        Assert.Equal(found.LearningRates.Count, found.Losses.Count);
        var last = found.Losses[^1];
        Assert.True(!double.IsFinite(last) || last > 4 * found.Losses.Where(double.IsFinite).Min());
    }

    [Fact]
    public void WithoutAThreshold_TheSweepTakesEveryStep()
    {
        random.manual_seed(5);
        var options = new LrFindOptions { MinLr = 1e-3, MaxLr = 10, NumTraining = 40, EarlyStopThreshold = null };
        var found = new Tuner(NewTrainer()).LrFind(new RegressionModule(), new RegressionData(), options);

        Assert.False(found.StoppedEarly && found.Losses.All(double.IsFinite));
        Assert.Equal(options.LearningRateAt(0), found.LearningRates[0]);
        Assert.Equal(Math.Min(40, found.LearningRates.Count), found.LearningRates.Count);
        Assert.True(found.LearningRates.Zip(found.LearningRates.Skip(1)).All(p => p.Second > p.First));
    }

    [Fact]
    public void OutOfRangeOptions_AreReportedTogether()
    {
        var error = Assert.Throws<LightningConfigException>(() => new Tuner(NewTrainer())
            .LrFind(new RegressionModule(), new RegressionData(), new LrFindOptions { MinLr = 0, NumTraining = 1, EarlyStopThreshold = 0.5 }));
        Assert.Contains("tune.min_lr", error.Message);
        Assert.Contains("tune.num_training", error.Message);
        Assert.Contains("tune.early_stop_threshold", error.Message);
    }

    private static byte[] Weights(RegressionModule module) =>
        module.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(p => p.Value.detach().cpu().data<float>().ToArray()).SelectMany(BitConverter.GetBytes).ToArray();

    private static byte[] OptimizerBytes(optim.Optimizer optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream)) ((OptimizerHelper)optimizer).save_state_dict(writer);
        return stream.ToArray();
    }
}
