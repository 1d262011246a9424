using Lightning.TestSupport;
using Lightning.Core.Callbacks;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Training;

/// <summary>Each loop option changes the counted steps, validations and batches as specified (64 samples, batch 4: 16 batches).</summary>
// Some tests build modules from torch's process-wide generator; a fit running beside them would reseed it.
[Collection(GlobalStateCollection.Name)]
public sealed class LoopOptionTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private (FitResult Result, RecordingCallback Record) Fit(
        Func<TrainerOptions, TrainerOptions> configure, RandomData? data = null, MlpModule? module = null, params Callback[] extra)
    {
        var record = new RecordingCallback();
        var trainer = new Trainer(configure(Quiet.Options(_root.Path)), [record, .. extra]);
        var result = trainer.Fit(module ?? new MlpModule(), data ?? new RandomData());
        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);
        return (result, record);
    }

    [Fact]
    public void MaxEpochs_TrainsEveryBatchOfEachEpoch()
    {
        var (result, record) = Fit(o => o with { MaxEpochs = 3 });
        Assert.Equal(48, record.TrainBatches);
        Assert.Equal(48, result.GlobalStep);
        Assert.Equal(3, result.Epochs);
        Assert.Equal(3, record.ValidationRuns);
    }

    [Fact]
    public void MaxSteps_StopsMidEpoch()
    {
        var (result, record) = Fit(o => o with { MaxEpochs = null, MaxSteps = 21 });
        Assert.Equal(21, result.GlobalStep);
        Assert.Equal(21, record.TrainBatches);
    }

    [Theory]
    [InlineData("0.25", 4)]
    [InlineData("3", 3)]
    [InlineData("1.0", 16)]
    [InlineData("100", 16)]
    public void LimitTrainBatches_FractionOrCount(string limit, int expected)
    {
        var (_, record) = Fit(o => o with { LimitTrainBatches = BatchLimit.Parse(limit, null) });
        Assert.Equal(expected, record.TrainBatches);
    }

    [Fact]
    public void LimitValBatches_LimitsEachValidation()
    {
        var (_, record) = Fit(o => o with { MaxEpochs = 2, LimitValBatches = BatchLimit.OfCount(3) });
        Assert.Equal(2, record.ValidationRuns);
        Assert.Equal(6, record.ValidationBatches);
    }

    [Theory]
    [InlineData("0.5", 2)]
    [InlineData("0.25", 4)]
    [InlineData("4", 4)]
    [InlineData("16", 1)]
    public void ValCheckInterval_ValidatesWithinEpoch(string interval, int validationsPerEpoch)
    {
        var (_, record) = Fit(o => o with { MaxEpochs = 2, ValCheckInterval = BatchLimit.Parse(interval, null) });
        Assert.Equal(2 * validationsPerEpoch, record.ValidationRuns);
    }

    [Fact]
    public void ValCheckInterval_CountAboveEpoch_IsAConfigError()
    {
        // Raised before the run starts (LightningSemanticsLoopTests checks nothing started), not reported as a failed run.
        var trainer = new Trainer(Quiet.Options(_root.Path) with { ValCheckInterval = BatchLimit.OfCount(17) });
        var error = Assert.Throws<Lightning.Core.Configuration.LightningConfigException>(() => trainer.Fit(new MlpModule(), new RandomData()));
        Assert.Equal("trainer.val_check_interval", Assert.Single(error.Issues).Key);
    }

    [Fact]
    public void CheckValEveryNEpoch_SkipsEpochs()
    {
        var (_, record) = Fit(o => o with { MaxEpochs = 4, CheckValEveryNEpoch = 2 });
        Assert.Equal(2, record.ValidationRuns);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(0, 0)]
    [InlineData(-1, 8)]
    public void NumSanityValSteps_RunsThatManyBatchesFirst(int steps, int expected)
    {
        var (_, record) = Fit(o => o with { NumSanityValSteps = steps });
        Assert.Equal(expected, record.SanityBatches);
        Assert.Equal(8, record.ValidationBatches);
    }

    [Fact]
    public void SanityCheck_DoesNotChangeTraining()
    {
        random.manual_seed(5);
        var withCheck = new MlpModule();
        Fit(o => o with { NumSanityValSteps = -1 }, module: withCheck);
        random.manual_seed(5);
        var without = new MlpModule();
        Fit(o => o with { NumSanityValSteps = 0 }, module: without);
        Assert.True(Tensors.SameParameters(withCheck, without));
    }

    [Theory]
    [InlineData(4, 16, 4)]
    [InlineData(3, 16, 6)]
    [InlineData(1, 16, 16)]
    public void AccumulateGradBatches_StepsEveryKBatchesAndAtEpochEnd(int accumulate, int batches, int steps)
    {
        var (result, record) = Fit(o => o with { AccumulateGradBatches = accumulate });
        Assert.Equal(batches, record.TrainBatches);
        Assert.Equal(steps, record.OptimizerSteps);
        Assert.Equal(steps, result.GlobalStep);
    }

    [Fact]
    public void GradientClipValue_ClampsEveryElement()
    {
        // Clipping follows on_before_optimizer_step, so the clipped gradients are read after the step, at batch end.
        var largest = 0.0;
        var probe = new AfterStepProbe(t => largest = Math.Max(largest, t.Module.parameters().Max(p => p.grad!.abs().max().item<float>())));
        var trainer = new Trainer(Quiet.Options(_root.Path) with { GradientClipVal = 0.001, GradientClipAlgorithm = ClipAlgorithm.Value }, [probe]);
        trainer.Fit(new MlpModule(), new RandomData());
        Assert.InRange(largest, 1e-6, 0.001 + 1e-9);
    }

    [Fact]
    public void GradientClipNorm_BoundsTotalNorm()
    {
        var norms = new List<double>();
        var probe = new AfterStepProbe(t => norms.Add(Math.Sqrt(t.Module.parameters().Sum(p => p.grad!.square().sum().item<float>()))));
        var trainer = new Trainer(Quiet.Options(_root.Path) with { GradientClipVal = 0.01 }, [probe]);
        trainer.Fit(new MlpModule(), new RandomData());
        Assert.NotEmpty(norms);
        Assert.All(norms, n => Assert.True(n <= 0.01 * 1.001, $"norm {n}"));
    }

    [Fact]
    public void FastDevRun_OneBatchOfEachLoopAndNoCheckpoints()
    {
        var (result, record) = Fit(o => o with { MaxEpochs = 5, FastDevRun = new FastDevRun(1), EnableCheckpointing = true, NumSanityValSteps = 2 });
        Assert.Equal(1, record.TrainBatches);
        Assert.Equal(1, record.ValidationBatches);
        Assert.Equal(0, record.SanityBatches);
        Assert.Equal(1, result.Epochs);
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "checkpoints")));
    }

    [Fact]
    public void OverfitBatches_TrainsAndValidatesOnTheSameFirstBatches()
    {
        var (_, record) = Fit(o => o with { MaxEpochs = 2, OverfitBatches = BatchLimit.OfCount(2) });
        Assert.Equal(4, record.TrainBatches);
        Assert.Equal(4, record.ValidationBatches);
        Assert.Equal([0, 1, 0, 1], record.BatchIndices);
    }

    [Fact]
    public void MinEpochs_OverridesAnEarlyStopRequest()
    {
        var stopper = new StopAtFirstEpochEnd();
        var (result, _) = Fit(o => o with { MaxEpochs = 10, MinEpochs = 3 }, extra: stopper);
        Assert.Equal(3, result.Epochs);
    }

    [Fact]
    public void MaxTime_StopsWhenTheTimerRunsOut()
    {
        var time = new ManualTime();
        var ticking = new TickPerBatch(time, TimeSpan.FromSeconds(1));
        var (result, record) = Fit(o => o with { MaxEpochs = 10 }, extra: [ticking, new TrainingTimer(TimeSpan.FromSeconds(5), time)]);
        Assert.Equal(5, record.TrainBatches);
        Assert.Contains("Time limit", result.Message);
    }

    [Fact]
    public void Seed_SameSeedSameWeights_DifferentSeedDifferentWeights()
    {
        random.manual_seed(1);
        var a = new MlpModule();
        random.manual_seed(1);
        var b = new MlpModule();
        random.manual_seed(1);
        var c = new MlpModule();
        Fit(o => o with { Seed = 11 }, module: a);
        Fit(o => o with { Seed = 11 }, module: b);
        Fit(o => o with { Seed = 12 }, module: c);
        Assert.True(Tensors.SameParameters(a, b));
        Assert.False(Tensors.SameParameters(a, c));
    }

    [Fact]
    public void Threads_SetsIntraOpThreads()
    {
        Fit(o => o with { Threads = 1 });
        Assert.Equal(1, get_num_threads());
    }

    [Fact]
    public void PrecisionBf16True_CastsTheModule()
    {
        var module = new MlpModule();
        var (result, _) = Fit(o => o with { Precision = TrainingPrecision.Bf16True }, module: module);
        Assert.Equal(16, result.GlobalStep);
        Assert.All(module.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
    }

    [Fact]
    public void LogEveryNSteps_LogsAtMultiplesAndEpochEnds()
    {
        var tracker = new RecordingTracker(_root.Path);
        var trainer = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 2, LogEveryNSteps = 5 }, tracker: tracker);
        trainer.Fit(new MlpModule(), new RandomData());
        var steps = tracker.Points.Where(p => p.Key == "train_loss").Select(p => p.Step).ToList();
        // Lightning's step numbers (optimizer steps before the batch's own step), plus each epoch's last batch.
        Assert.Equal([4, 9, 14, 15, 19, 24, 29, 31], steps);
    }

    private sealed class StopAtFirstEpochEnd : Callback
    {
        public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics) =>
            trainer.RequestStop("test stop");
    }

    private sealed class TickPerBatch(ManualTime time, TimeSpan step) : Callback
    {
        public override void OnTrainBatchStart(ITrainerView trainer, long batchIndex) => time.Advance(step);
    }

    /// <summary>Reads the trainer after each batch's optimizer step (gradients are zeroed only at the next batch).</summary>
    private sealed class AfterStepProbe(Action<ITrainerView> read) : Callback
    {
        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize) => read(trainer);
    }
}
