using Lightning.Core.Callbacks;
using Lightning.Core.Configuration;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Callbacks;

/// <summary>Plain progress in redirected output: lines inside an epoch on a manual clock, and the one at its end.</summary>
public sealed class ProgressBarTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    /// <summary>Trains one epoch of 16 batches; each batch takes <paramref name="perBatch"/> on the manual clock.</summary>
    private string[] PlainLines(TimeSpan perBatch, TimeSpan interval)
    {
        var clock = new ManualTime();
        var output = new StringWriter();
        var bar = new ProgressBar(output, ProgressMode.Plain, new ProgressBarOptions { PlainInterval = interval, Clock = clock });
        new Trainer(Quiet.Options(_root.Path) with { LogEveryNSteps = 1 }, [new Ticking(clock, perBatch), bar])
            .Fit(new MlpModule(), new RandomData(samples: 64, batchSize: 4, validationSamples: 0));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public void Plain_PrintsALineInsideTheEpochOnceTheIntervalHasPassed()
    {
        var lines = PlainLines(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10));

        // 3 s a batch, a line every 10 s: after batches 4, 8, 12 and 16, then the epoch's own line.
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("Epoch 1/1 4/16 0.3 it/s ETA 0:36 train_loss=", lines[0]);
        Assert.StartsWith("Epoch 1/1 8/16 0.3 it/s ETA 0:24 train_loss=", lines[1]);
        Assert.StartsWith("Epoch 1/1 12/16 ", lines[2]);
        Assert.StartsWith("Epoch 1/1 16/16 ", lines[3]);
        Assert.Matches(@"^Epoch 1/1 step 16: train_loss=\S+ \(48\.0 s\)$", lines[4]);
    }

    [Fact]
    public void Plain_StaysQuietUntilTheIntervalHasPassed()
    {
        var lines = PlainLines(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

        // 16 s of batches: one line after the 10th, none before it.
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Epoch 1/1 10/16 1.0 it/s ETA 0:06 train_loss=", lines[0]);
        Assert.StartsWith("Epoch 1/1 step 16: ", lines[1]);
    }

    [Fact]
    public void Resume_DoesNotPrintTheEpochTheEarlierRunFinished()
    {
        // last.ckpt is saved when validation ends, before the epoch's own end: resuming completes that epoch's end work.
        var checkpoint = new ModelCheckpoint(new ModelCheckpointOptions { DirPath = _root.Combine("ckpt") });
        var options = Quiet.Options(_root.Path) with { MaxEpochs = 2, EnableCheckpointing = true };
        new Trainer(options, [checkpoint]).Fit(new MlpModule(), new RandomData());

        var output = new StringWriter();
        var bar = new ProgressBar(output, ProgressMode.Plain, new ProgressBarOptions { PlainInterval = TimeSpan.Zero, Clock = new ManualTime() });
        var resumed = new Trainer(options with { MaxEpochs = 3 },
                [bar, new ModelCheckpoint(new ModelCheckpointOptions { DirPath = _root.Combine("ckpt2") })])
            .Fit(new MlpModule(), new RandomData(), _root.Combine("ckpt", "last.ckpt"));

        Assert.Equal(RunOutcome.Finished, resumed.Outcome);
        Assert.StartsWith("Epoch 3/3 step 48: ", Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void Plain_WithIntervalZero_PrintsOnlyTheEpochLine()
    {
        var lines = PlainLines(TimeSpan.FromSeconds(60), TimeSpan.Zero);

        Assert.StartsWith("Epoch 1/1 step 16: ", Assert.Single(lines));
    }

    [Theory]
    [InlineData(null, 10.0)]
    [InlineData("", 10.0)]
    [InlineData("2.5", 2.5)]
    [InlineData("0", 0.0)]
    public void Interval_ComesFromTheVariable(string? setting, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ProgressBarOptions.FromSetting(setting).PlainInterval);

    [Theory]
    [InlineData("ten")]
    [InlineData("-1")]
    public void Interval_RefusesWhatIsNotSeconds(string setting)
    {
        var error = Assert.Throws<LightningConfigException>(() => ProgressBarOptions.FromSetting(setting));
        Assert.Contains($"Invalid value '{setting}' for 'LIGHTNING_PROGRESS_INTERVAL_S' (from environment)", error.Message);
    }

    /// <summary>Moves the clock as if each batch took <paramref name="perBatch"/>; runs before the bar sees the batch.</summary>
    private sealed class Ticking(ManualTime clock, TimeSpan perBatch) : Callback
    {
        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize) => clock.Advance(perBatch);
    }
}
