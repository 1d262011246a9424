using Lightning.Core.Callbacks;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Training;

/// <summary>
/// The loop against PyTorch Lightning 2.2.5's numbers on issue 11's setup: MLP 32-64-10, batch 64 over 1000 rows
/// (16 batches an epoch), 4 validation batches, SGD 0.1. Expectations are Lightning's counts and positions, not ours.
/// </summary>
public sealed class LightningSemanticsLoopTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static RandomData Data() => new(samples: 1000, batchSize: 64, validationSamples: 256, features: 32, classes: 10);

    /// <summary>The MLP; with <paramref name="interval"/>, a StepLR that halves the rate on each call.</summary>
    private static MlpModule Model(SchedulerInterval? interval = null, int frequency = 1) =>
        new(inputs: 32, hidden: 64, outputs: 10,
            scheduler: interval is { } every ? o => new SchedulerSetup(optim.lr_scheduler.StepLR(o, 1, 0.5), every, frequency) : null)
        { LearningRate = 0.1 };

    private (FitResult Result, Cadence Record) Fit(Func<TrainerOptions, TrainerOptions> configure, MlpModule? module = null, params Callback[] extra)
    {
        var record = new Cadence();
        var result = new Trainer(configure(Quiet.Options(_root.Path)), [record, .. extra], output: TextWriter.Null).Fit(module ?? Model(), Data());
        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);
        return (result, record);
    }

    [Fact]
    public void StepScheduler_WithAccumulation_CountsBatchesOfTheEpoch()
    {
        // Frequency 2 on the batches that step (3, 7, 11, 15): each qualifies, so 4 calls an epoch, not every 2nd step.
        var (_, record) = Fit(o => o with { MaxEpochs = 2, AccumulateGradBatches = 4 }, Model(SchedulerInterval.Step, frequency: 2));

        Assert.Equal(8, record.SchedulerCalls.Count);
        Assert.Equal(3.90625e-4, record.FinalLearningRate, 15);
    }

    [Fact]
    public void StepScheduler_Frequency3_CallsAtTheSameBatchesEveryEpoch()
    {
        var (_, record) = Fit(o => o with { MaxEpochs = 2 }, Model(SchedulerInterval.Step, frequency: 3));

        long[] lightning = [2, 5, 8, 11, 14];
        Assert.Equal([.. lightning.Select(b => (0, b)), .. lightning.Select(b => (1, b))], record.SchedulerCalls);
    }

    [Fact]
    public void StepScheduler_ResumedMidEpoch_ReplaysTheSameCalls()
    {
        using var stop = new CancellationTokenSource();
        var folder = _root.Combine("ckpt");
        var checkpoint = new ModelCheckpoint(new ModelCheckpointOptions { DirPath = folder });
        var interrupted = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 2 }, [new StopAfter(stop, epoch: 1, batch: 6), checkpoint],
                output: TextWriter.Null)
            .Fit(Model(SchedulerInterval.Step, frequency: 3), Data(), interrupt: stop.Token);
        Assert.Equal(RunOutcome.Interrupted, interrupted.Outcome);

        var (_, uninterrupted) = Fit(o => o with { MaxEpochs = 2 }, Model(SchedulerInterval.Step, frequency: 3));
        var record = new Cadence();
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 2 }, [record], output: TextWriter.Null)
            .Fit(Model(SchedulerInterval.Step, frequency: 3), Data(), Path.Combine(folder, "last.ckpt"));

        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);
        Assert.Equal([(1, 8), (1, 11), (1, 14)], record.SchedulerCalls);
        Assert.Equal(uninterrupted.FinalLearningRate, record.FinalLearningRate);
        Assert.Equal(0.1 * Math.Pow(0.5, 10), record.FinalLearningRate, 15);
    }

    [Fact]
    public void ValCheckInterval_AcrossEpochs_ValidatesByTotalBatchCount()
    {
        var (result, record) = Fit(o => o with { MaxEpochs = 3, ValCheckInterval = BatchLimit.OfCount(20), CheckValEveryNEpoch = null });

        Assert.Equal(48, result.GlobalStep);
        // Not at the epoch ends (16, 32, 48): only every 20 training batches counted across epochs.
        Assert.Equal([20, 40], record.Validations);
    }

    [Fact]
    public void ValCheckInterval_AboveEpochWithCheckValEveryNEpoch_IsAConfigErrorBeforeAnythingStarts()
    {
        var tracker = new RecordingTracker(_root.Path);
        var record = new Cadence();
        var options = Quiet.Options(_root.Path) with
        {
            MaxEpochs = 3, ValCheckInterval = BatchLimit.OfCount(20), CheckValEveryNEpoch = 1, NumSanityValSteps = 2,
        };

        var error = Assert.Throws<LightningConfigException>(() => new Trainer(options, [record], tracker, TextWriter.Null).Fit(Model(), Data()));

        var issue = Assert.Single(error.Issues);
        Assert.Equal("trainer.val_check_interval", issue.Key);
        Assert.Contains("check_val_every_n_epoch to null", issue.Message);
        Assert.Null(tracker.Start);
        Assert.Null(tracker.Status);
        Assert.False(record.SanityChecked);
        Assert.Empty(record.Validations);
        Assert.Equal(0, record.TrainBatches);
    }

    [Fact]
    public void MaxStepsMidEpoch_EndsWithoutTheEpochEndValidation()
    {
        var (result, record) = Fit(o => o with { LimitTrainBatches = BatchLimit.OfFraction(0.5), MaxSteps = 10, MaxEpochs = 3 });

        Assert.Equal(10, result.GlobalStep);
        Assert.Equal([8], record.Validations);
    }

    [Fact]
    public void MaxStepsMidEpoch_DoesNotStepTheEpochScheduler()
    {
        // Lightning steps an epoch scheduler only when the epoch's batches ran out: once here (epoch 0), not at step 10.
        var (_, record) = Fit(
            o => o with { LimitTrainBatches = BatchLimit.OfFraction(0.5), MaxSteps = 10, MaxEpochs = 3 }, Model(SchedulerInterval.Epoch));

        Assert.Equal(0.05, record.FinalLearningRate, 15);
    }

    [Fact]
    public void BeforeZeroGrad_OpensEachAccumulationWindow_AfterTrainingStepBeforeBackward()
    {
        var calls = new List<string>();
        Fit(o => o with { AccumulateGradBatches = 4 }, new StepRecordingModule(calls), new StepHooks(calls));

        var expected = Enumerable.Range(0, 16).Select(i =>
            $"{i}: training_step" + (i % 4 == 0 ? " zero_grad" : "") + " backward" + (i % 4 == 3 ? " optimizer_step" : ""));
        Assert.Equal(expected, string.Join(' ', calls).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
    }

    [Fact]
    public void Checkpoints_WhenValidatingWithinTheEpoch_AreSavedRightAfterEachValidation()
    {
        var events = new List<string>();
        var checkpoint = new ModelCheckpoint(
            new ModelCheckpointOptions { Monitor = "val_loss", SaveTopK = -1, SaveLast = false, DirPath = _root.Combine("ckpt") });
        Fit(o => o with { ValCheckInterval = BatchLimit.OfFraction(0.5) }, extra: [checkpoint, new Saves(events)]);

        Assert.Equal(["validation@8", "saved@8", "validation@16", "saved@16", "train_epoch_end@16"], events);
    }

    [Fact]
    public void Checkpoints_WhenValidatingAcrossEpochs_AreSavedOnlyAfterValidations()
    {
        var checkpoint = new ModelCheckpoint(new ModelCheckpointOptions { SaveTopK = -1, SaveLast = false, DirPath = _root.Combine("ckpt") });
        Fit(o => o with { MaxEpochs = 3, ValCheckInterval = BatchLimit.OfCount(20), CheckValEveryNEpoch = null }, extra: checkpoint);

        Assert.Equal(["epoch=1-step=20.ckpt", "epoch=2-step=40.ckpt"], Directory.GetFiles(_root.Combine("ckpt")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void EarlyStopping_WhenValidatingWithinTheEpoch_ChecksRightAfterValidation()
    {
        // The metric worsens from the second validation (batch 8) on: patience 0 stops there, not at the epoch end (16).
        var stopping = new EarlyStopping(new EarlyStoppingOptions { Monitor = "rising", Patience = 0 });
        var (result, _) = Fit(o => o with { ValCheckInterval = BatchLimit.OfFraction(0.25) }, new RisingMetricModule(), stopping);

        Assert.Equal(8, result.GlobalStep);
    }

    [Fact]
    public void MaxStepsBeforeTheFirstValidation_EndsFinished_WithLastCheckpoint_ThoughMonitorsHaveNothingYet()
    {
        // Lightning's EarlyStopping raises here (val_loss is not available); a run that stopped where asked is not a failure.
        var checkpoint = new ModelCheckpoint(new ModelCheckpointOptions { DirPath = _root.Combine("ckpt"), Monitor = "val_loss" });
        var stopping = new EarlyStopping(new EarlyStoppingOptions { Monitor = "val_loss" });
        var (result, record) = Fit(o => o with { MaxSteps = 5, NumSanityValSteps = 0 }, null, checkpoint, stopping);

        Assert.Equal(5, result.GlobalStep);
        Assert.Empty(record.Validations);
        Assert.True(File.Exists(_root.Combine("ckpt", "last.ckpt")));
    }

    private static double LearningRate(ITrainerView trainer) => trainer.Optimizer!.ParamGroups.First().LearningRate;

    /// <summary>Where the scheduler changed the rate, where validations ran (global step), and the final rate.</summary>
    private sealed class Cadence : Callback
    {
        private double _before;

        public List<(int Epoch, long Batch)> SchedulerCalls { get; } = [];
        public List<long> Validations { get; } = [];
        public bool SanityChecked { get; private set; }
        public int TrainBatches { get; private set; }
        public double FinalLearningRate { get; private set; }

        public override void OnSanityCheckStart(ITrainerView trainer) => SanityChecked = true;
        public override void OnTrainBatchStart(ITrainerView trainer, long batchIndex) => _before = LearningRate(trainer);

        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
        {
            TrainBatches++;
            if (LearningRate(trainer) != _before) SchedulerCalls.Add((trainer.CurrentEpoch, batchIndex));
        }

        public override void OnValidationEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics)
        {
            if (!trainer.IsSanityChecking) Validations.Add(trainer.GlobalStep);
        }

        public override void OnTrainEnd(ITrainerView trainer) => FinalLearningRate = LearningRate(trainer);
    }

    /// <summary>Cancels <paramref name="stop"/> at the end of one batch, so the next step boundary interrupts.</summary>
    private sealed class StopAfter(CancellationTokenSource stop, int epoch, long batch) : Callback
    {
        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
        {
            if (trainer.CurrentEpoch == epoch && batchIndex == batch) stop.Cancel();
        }
    }

    /// <summary>Records validations, saved checkpoints (not last.ckpt) and epoch ends, at the global step.</summary>
    private sealed class Saves(List<string> events) : Callback
    {
        public override void OnValidationEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics)
        {
            if (!trainer.IsSanityChecking) events.Add($"validation@{trainer.GlobalStep}");
        }

        public override void OnCheckpointSaved(ITrainerView trainer, string path, double? score)
        {
            if (Path.GetFileName(path) != "last.ckpt") events.Add($"saved@{trainer.GlobalStep}");
        }

        public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics) =>
            events.Add($"train_epoch_end@{trainer.GlobalStep}");
    }

    /// <summary>Marks each training batch and its step; the callback hooks fill in the rest.</summary>
    private sealed class StepRecordingModule(List<string> calls) : MlpModule(inputs: 32, hidden: 64, outputs: 10)
    {
        public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
        {
            calls.Add($"\n{batchIndex}: training_step");
            return base.TrainingStep(batch, batchIndex);
        }
    }

    private sealed class StepHooks(List<string> calls) : Callback
    {
        public override void OnBeforeZeroGrad(ITrainerView trainer) => calls.Add("zero_grad");
        public override void OnBeforeBackward(ITrainerView trainer, Tensor loss) => calls.Add("backward");
        public override void OnBeforeOptimizerStep(ITrainerView trainer) => calls.Add("optimizer_step");
    }

    /// <summary>Logs a validation metric that grows with every validation run.</summary>
    private sealed class RisingMetricModule() : MlpModule(inputs: 32, hidden: 64, outputs: 10)
    {
        private int _runs;

        public override void OnValidationEpochEnd()
        {
            if (!Trainer!.IsSanityChecking) Log("rising", (double)++_runs);
        }
    }
}
