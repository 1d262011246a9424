using Lightning.TestSupport;
using Lightning.Core.Callbacks;
using Lightning.Core.Checkpoints;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;

namespace Lightning.Core.Tests.Callbacks;

public sealed class ModelCheckpointTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private (ModelCheckpoint Checkpoint, RecordingTracker Tracker) Fit(
        ModelCheckpointOptions options, double[] scores, TrainerOptions? trainer = null)
    {
        var checkpoint = new ModelCheckpoint(options with { DirPath = _root.Combine("ckpt") });
        var tracker = new RecordingTracker(_root.Path);
        var result = new Trainer(trainer ?? Quiet.Options(_root.Path) with { MaxEpochs = scores.Length, LimitTrainBatches = BatchLimit.OfCount(2) },
                [checkpoint], tracker)
            .Fit(new ScriptedModule(scores), new RandomData());
        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);
        return (checkpoint, tracker);
    }

    private string[] Files() => Directory.GetFiles(_root.Combine("ckpt")).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void TopK_Min_KeepsExactlyTheBestFiles()
    {
        var (checkpoint, tracker) = Fit(
            new ModelCheckpointOptions { Monitor = "score", SaveTopK = 2, Filename = "e{epoch}-{score:.1f}", AutoInsertMetricName = false },
            [5, 3, 4, 1, 2]);
        Assert.Equal(["e3-1.0.ckpt", "e4-2.0.ckpt", "last.ckpt"], Files());
        Assert.Equal(_root.Combine("ckpt", "e3-1.0.ckpt"), checkpoint.BestModelPath);
        Assert.Equal(1.0, checkpoint.BestModelScore);
        Assert.Equal(["checkpoints/e0-5.0.ckpt", "checkpoints/e1-3.0.ckpt", "checkpoints/e2-4.0.ckpt"], tracker.Deleted.Order());
    }

    [Fact]
    public void TopK_Max_KeepsTheHighest()
    {
        Fit(new ModelCheckpointOptions
        {
            Monitor = "score", Mode = MonitorMode.Max, SaveTopK = 1, Filename = "e{epoch}", AutoInsertMetricName = false, SaveLast = false
        }, [5, 3, 9, 1]);
        Assert.Equal(["e2.ckpt"], Files());
    }

    [Fact]
    public void TopK_All_KeepsEveryEpoch()
    {
        Fit(new ModelCheckpointOptions { Monitor = "score", SaveTopK = -1, Filename = "e{epoch}", AutoInsertMetricName = false, SaveLast = false },
            [5, 3, 4]);
        Assert.Equal(["e0.ckpt", "e1.ckpt", "e2.ckpt"], Files());
    }

    [Fact]
    public void NoMonitor_KeepsTheNewest()
    {
        Fit(new ModelCheckpointOptions { Filename = "e{epoch}-s{step}", AutoInsertMetricName = false }, [1, 1, 1]);
        Assert.Equal(["e2-s6.ckpt", "last.ckpt"], Files());
    }

    [Fact]
    public void NaNScores_RankBelowRealScores()
    {
        Fit(new ModelCheckpointOptions { Monitor = "score", SaveTopK = 1, Filename = "e{epoch}", AutoInsertMetricName = false, SaveLast = false },
            [double.NaN, 3, double.NaN]);
        Assert.Equal(["e1.ckpt"], Files());
    }

    [Fact]
    public void EveryNTrainSteps_SavesByStep()
    {
        Fit(new ModelCheckpointOptions { EveryNTrainSteps = 3, SaveTopK = -1, Filename = "s{step}", AutoInsertMetricName = false, SaveLast = false },
            [1, 1, 1]);
        Assert.Equal(["s3.ckpt", "s6.ckpt"], Files());
    }

    [Fact]
    public void EveryNEpochs_SkipsEpochs()
    {
        Fit(new ModelCheckpointOptions { EveryNEpochs = 2, SaveTopK = -1, Filename = "e{epoch}", AutoInsertMetricName = false, SaveLast = false },
            [1, 1, 1, 1]);
        Assert.Equal(["e1.ckpt", "e3.ckpt"], Files());
    }

    [Fact]
    public void SaveOnException_WritesACheckpoint()
    {
        var checkpoint = new ModelCheckpoint(new ModelCheckpointOptions { DirPath = _root.Combine("ckpt"), SaveOnException = true });
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 2 }, [checkpoint, new ThrowAtStep(5)])
            .Fit(new MlpModule(), new RandomData());
        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Contains("boom at step 5", result.Message);
        Assert.Equal(5, CheckpointFile.Read(_root.Combine("ckpt", "on_exception.ckpt")).State["progress"]!["global_step"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("epoch={epoch}-step={step}-{val_loss:.4f}", false, "epoch=3-step=120-0.1235")]
    [InlineData("{epoch:d}_{val_loss:.2e}", false, "3_1.23e-01")]
    [InlineData("{missing}", false, "nan")]
    // Lightning's auto_insert_metric_name, on by default: its documented example and the default template.
    [InlineData("{epoch}-{val_loss:.2f}", true, "epoch=3-val_loss=0.12")]
    [InlineData("{epoch}-{step}", true, "epoch=3-step=120")]
    // A template that already names a value is not named twice (Lightning would write epoch=epoch=3).
    [InlineData("epoch={epoch}-step={step}-{val_loss:.4f}", true, "epoch=3-step=120-val_loss=0.1235")]
    public void Filename_FillsTemplate(string template, bool insertNames, string expected) =>
        Assert.Equal(expected, CheckpointFilename.Format(template, 3, 120, new Dictionary<string, double> { ["val_loss"] = 0.123456 }, insertNames));

    [Fact]
    public void DefaultFilename_NamesEpochAndStep_AsLightningDoes()
    {
        Fit(new ModelCheckpointOptions(), [1, 1]);
        Assert.Equal(["epoch=1-step=4.ckpt", "last.ckpt"], Files());
    }

    private sealed class ThrowAtStep(long step) : Callback
    {
        public override void OnTrainBatchEnd(ITrainerView trainer, TorchSharp.torch.Tensor loss, long batchIndex, long batchSize)
        {
            if (trainer.GlobalStep == step) throw new InvalidOperationException($"boom at step {step}");
        }
    }
}
