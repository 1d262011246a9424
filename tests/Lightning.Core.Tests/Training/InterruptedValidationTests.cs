using Lightning.Core.Callbacks;
using Lightning.Core.Checkpoints;
using Lightning.Core.Data;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Training;

/// <summary>
/// Ctrl+C during a validation: its partial metrics are dropped (no epoch result, no checkpoint scored with them) and
/// the resumed run validates that epoch before training on, so every epoch has its one validation.
/// </summary>
public sealed class InterruptedValidationTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    /// <summary>Logs score = 10 - epoch; cancels <paramref name="stop"/> inside the validation of <paramref name="stopAtEpoch"/>.</summary>
    private sealed class InterruptingModule(CancellationTokenSource stop, int stopAtEpoch) : MlpModule
    {
        public override void ValidationStep(TensorBatch batch, long batchIndex)
        {
            if (Trainer!.IsSanityChecking) return;
            if (Trainer.CurrentEpoch == stopAtEpoch && batchIndex == 1) stop.Cancel();
            Log("score", 10.0 - Trainer.CurrentEpoch);
        }
    }

    private Trainer NewTrainer(int epochs, RecordingTracker tracker) => new(
        Quiet.Options(_root.Path) with { MaxEpochs = epochs, LimitTrainBatches = BatchLimit.OfCount(2) },
        [new ModelCheckpoint(new ModelCheckpointOptions
        {
            Monitor = "score", Mode = MonitorMode.Max, SaveTopK = 5, Filename = "e{epoch}", AutoInsertMetricName = false,
            DirPath = _root.Combine("ckpt")
        })],
        tracker);

    [Fact]
    public void PartialValidation_IsDropped_AndRunAgainOnResume()
    {
        using var stop = new CancellationTokenSource();
        var first = new RecordingTracker(_root.Path);
        var interrupted = NewTrainer(5, first).Fit(new InterruptingModule(stop, stopAtEpoch: 2), new RandomData(), interrupt: stop.Token);

        Assert.Equal(RunOutcome.Interrupted, interrupted.Outcome);
        // No checkpoint was scored with epoch 2's partial validation, and no score point was logged for it.
        Assert.Equal(["e0.ckpt", "e1.ckpt", "last.ckpt"], Directory.GetFiles(_root.Combine("ckpt")).Select(Path.GetFileName).Order());
        Assert.Equal([10.0, 9.0], first.Points.Where(p => p.Key == "score").Select(p => p.Value));
        var last = CheckpointFile.Read(_root.Combine("ckpt", "last.ckpt"));
        Assert.True(last.State["progress"]!["validation_pending"]!.GetValue<bool>());

        using var never = new CancellationTokenSource();
        var second = new RecordingTracker(_root.Path);
        var resumed = NewTrainer(4, second).Fit(new InterruptingModule(never, stopAtEpoch: -1), new RandomData(), _root.Combine("ckpt", "last.ckpt"));

        Assert.Equal(RunOutcome.Finished, resumed.Outcome);
        Assert.Equal([8.0, 7.0], second.Points.Where(p => p.Key == "score").Select(p => p.Value));
        Assert.Contains("e2.ckpt", Directory.GetFiles(_root.Combine("ckpt")).Select(Path.GetFileName));
    }

    /// <summary>Cancels <paramref name="stop"/> at the second test batch.</summary>
    private sealed class InterruptedTestModule(CancellationTokenSource stop) : MlpModule
    {
        public override void TestStep(TensorBatch batch, long batchIndex)
        {
            if (batchIndex == 1) stop.Cancel();
            base.TestStep(batch, batchIndex);
        }
    }

    [Fact]
    public void AnInterruptedTest_ReportsNoPartialMean_AndItsRunIsKilled()
    {
        using var stop = new CancellationTokenSource();
        var tracker = new RecordingTracker(_root.Path);
        var metrics = new Trainer(Quiet.Options(_root.Path), tracker: tracker)
            .Test(new InterruptedTestModule(stop), new RandomData(), interrupt: stop.Token);

        Assert.Empty(metrics);
        Assert.Equal(Lightning.Core.Tracking.RunStatus.Killed, tracker.Status);
        Assert.DoesNotContain(tracker.Points, p => p.Key.StartsWith("test_loss", StringComparison.Ordinal));
    }
}
