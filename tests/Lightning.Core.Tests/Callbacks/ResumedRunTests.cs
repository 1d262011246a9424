using Lightning.Core.Callbacks;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Callbacks;

/// <summary>A resumed fit knows the run it continues, and its top-k never deletes what that earlier run kept.</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class ResumedRunTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static ModelCheckpoint TopOne() =>
        new(new ModelCheckpointOptions { Monitor = "score", SaveTopK = 1, Filename = "e{epoch}", AutoInsertMetricName = false });

    [Fact]
    public void Resume_NamesTheEarlierRun_AndLeavesItsCheckpoints()
    {
        var first = new RecordingTracker(_root.Combine("first"));
        var trainer = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 2, LimitTrainBatches = BatchLimit.OfCount(2) }, [TopOne()], first);
        Assert.Equal(RunOutcome.Finished, trainer.Fit(new ScriptedModule([5, 4, 3, 2]), new RandomData()).Outcome);
        var earlier = Directory.GetFiles(Path.Combine(first.RunDirectory, "checkpoints")).Order().ToArray();
        Assert.Equal(["e1.ckpt", "last.ckpt"], earlier.Select(Path.GetFileName));
        Assert.Null(first.Start!.ResumedFrom);

        var second = new RecordingTracker(_root.Combine("second"));
        var last = Path.Combine(first.RunDirectory, "checkpoints", "last.ckpt");
        var resumed = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 4, LimitTrainBatches = BatchLimit.OfCount(2) }, [TopOne()], second)
            .Fit(new ScriptedModule([1, 0.5]), new RandomData(), last);
        Assert.Equal(RunOutcome.Finished, resumed.Outcome);

        Assert.Equal(new Tracking.ResumedRun("recorded", "memory", last), second.Start!.ResumedFrom);
        // The better scores of the resumed run push e1.ckpt out of its top-1, but that file belongs to the first run.
        Assert.Equal(earlier, Directory.GetFiles(Path.Combine(first.RunDirectory, "checkpoints")).Order().ToArray());
        Assert.DoesNotContain("checkpoints/e1.ckpt", second.Deleted);
        Assert.Contains("e3.ckpt", Directory.GetFiles(Path.Combine(second.RunDirectory, "checkpoints")).Select(Path.GetFileName));
    }
}
