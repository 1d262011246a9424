using Lightning.TestSupport;
using Lightning.Core.Callbacks;
using Lightning.Core.Modules;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Callbacks;

public sealed class SchedulerAndMonitorTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static double LearningRate(nn.Module module, ITrainerView? trainer) => trainer!.Optimizer!.ParamGroups.First().LearningRate;

    [Theory]
    [InlineData(SchedulerInterval.Step, 1, 3, 48)]
    [InlineData(SchedulerInterval.Step, 4, 3, 12)]
    [InlineData(SchedulerInterval.Epoch, 1, 3, 3)]
    [InlineData(SchedulerInterval.Epoch, 2, 5, 2)]
    public void Scheduler_StepsMatchTheInterval(SchedulerInterval interval, int frequency, int epochs, int expectedSteps)
    {
        // StepLR(step_size 1, gamma 0.5) halves the rate on each scheduler step: the final rate counts them.
        var module = new MlpModule(scheduler: o => new SchedulerSetup(optim.lr_scheduler.StepLR(o, 1, 0.5), interval, frequency))
        {
            LearningRate = 1.0
        };
        var probe = new FinalLearningRate();
        new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = epochs }, [probe]).Fit(module, new RandomData());
        Assert.Equal(Math.Pow(0.5, expectedSteps), probe.Value, 12);
    }

    [Fact]
    public void SchedulerFrequency_BelowOne_IsRefusedWhenConfigured_NotAnEpochLater()
    {
        using var layer = nn.Linear(2, 2);
        using var optimizer = optim.SGD(layer.parameters(), 0.1);
        var error = Assert.Throws<ArgumentException>(
            () => new SchedulerSetup(optim.lr_scheduler.StepLR(optimizer, 1, 0.5), SchedulerInterval.Epoch, 0));
        Assert.Equal("A scheduler's Frequency must be 1 or more (step every n intervals); got 0.", error.Message);
    }

    [Fact]
    public void MonitoredScheduler_GetsTheLoggedValue()
    {
        var module = new MlpModule(
            scheduler: o => new SchedulerSetup(optim.lr_scheduler.ReduceLROnPlateau(o, patience: 0, factor: 0.5), Monitor: "val_loss"))
        {
            LearningRate = 1.0
        };
        var probe = new FinalLearningRate();
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 6 }, [probe]).Fit(module, new RandomData());
        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);
        Assert.True(probe.Value < 1.0, "the plateau scheduler never reduced the rate");
    }

    [Fact]
    public void LearningRateMonitor_LogsTheRate()
    {
        var tracker = new RecordingTracker(_root.Path);
        new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 2 }, [new LearningRateMonitor()], tracker)
            .Fit(new MlpModule { LearningRate = 0.25 }, new RandomData());
        Assert.Equal([0.25, 0.25], tracker.Points.Where(p => p.Key == "lr-SGD").Select(p => p.Value));
    }

    [Fact]
    public void ThroughputMonitor_LogsSamplesPerSecond()
    {
        var tracker = new RecordingTracker(_root.Path);
        new Trainer(Quiet.Options(_root.Path) with { LogEveryNSteps = 4 }, [new ThroughputMonitor()], tracker).Fit(new MlpModule(), new RandomData());
        var rates = tracker.Points.Where(p => p.Key == "throughput/samples_per_sec").ToList();
        Assert.Equal(4, rates.Count);
        Assert.All(rates, r => Assert.True(r.Value > 0));
    }

    [Fact]
    public void NonFiniteLoss_FailsNamingTheStep()
    {
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 3 }).Fit(new NaNAfter(5), new RandomData());
        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Contains("global step 5", result.Message);
        Assert.Contains("not finite", result.Message);
        Assert.Equal(6, result.GlobalStep);
    }

    [Fact]
    public void ProgressBar_PlainWritesOneLinePerEpoch()
    {
        var output = new StringWriter();
        new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 3 }, [new ProgressBar(output, ProgressMode.Plain)])
            .Fit(new MlpModule(), new RandomData());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Epoch 1/3 step 16: ", lines[0]);
        Assert.Contains("val_loss=", lines[2]);
        Assert.DoesNotContain('\r', output.ToString());
    }

    [Theory]
    [InlineData(true, null, ProgressMode.Rich)]
    [InlineData(false, null, ProgressMode.Plain)]
    [InlineData(true, "plain", ProgressMode.Plain)]
    [InlineData(false, "rich", ProgressMode.Rich)]
    [InlineData(true, "OFF", ProgressMode.Off)]
    public void ProgressModeSetting_FollowsTerminalAndVariable(bool terminal, string? setting, ProgressMode expected) =>
        Assert.Equal(expected, ProgressModeSetting.Choose(terminal, setting));

    [Fact]
    public void ModelSummary_ListsLayersAndCounts()
    {
        var summary = ModelSummary.Describe(new MlpModule());
        Assert.Contains("_first  | Linear | 40", summary);
        Assert.Contains("67 trainable params", summary);
    }

    private sealed class FinalLearningRate : Callback
    {
        public double Value { get; private set; }
        public override void OnTrainEnd(ITrainerView trainer) => Value = trainer.Optimizer!.ParamGroups.First().LearningRate;
    }

    private sealed class NaNAfter(long step) : MlpModule
    {
        public override Tensor TrainingStep(Lightning.Core.Data.TensorBatch batch, long batchIndex)
        {
            var loss = base.TrainingStep(batch, batchIndex);
            return Trainer!.GlobalStep >= step ? loss * double.NaN : loss;
        }
    }
}
