using Lightning.TestSupport;
using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Logging;
using Lightning.Core.Modules;
using Lightning.Core.Tests.Support;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Training;

/// <summary>
/// Metric names and logged steps as PyTorch Lightning 2.2.5 gives them, on issue 11's setup: an MLP 32-64-10 with SGD
/// 0.1, batch 64 over 1000 rows (16 batches an epoch) and 4 validation batches. The expected numbers are Lightning's.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public sealed class LightningSemanticsMetricTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private TrainerOptions Options(int epochs) => Quiet.Options(_root.Path) with { MaxEpochs = epochs, LogEveryNSteps = 5 };

    [Fact]
    public void OnStepAndOnEpoch_MonitorsSeeThePlainNamesAsLightningsCallbackMetrics()
    {
        var checkpoint = new ModelCheckpoint(new ModelCheckpointOptions
        {
            DirPath = _root.Combine("ckpt"), Monitor = "val_loss", Filename = "epoch={epoch}-val_loss={val_loss:.3f}", SaveLast = false,
        });
        var tracker = new RecordingTracker(_root.Path);
        var result = new Trainer(Options(2), [checkpoint], tracker).Fit(new BothWaysModule(), new IssueData());

        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);
        // Lightning: train_loss and val_loss hold the epoch values; val_loss_step is never a callback metric.
        Assert.Equal(["train_loss", "train_loss_epoch", "train_loss_step", "val_loss", "val_loss_epoch"],
            result.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(result.Metrics["train_loss_epoch"], result.Metrics["train_loss"]);
        Assert.Equal(result.Metrics["val_loss_epoch"], result.Metrics["val_loss"]);
        // Loggers get only the forked names, as Lightning's logged_metrics.
        Assert.DoesNotContain(tracker.Points, p => p.Key is "train_loss" or "val_loss");
        var best = tracker.Points.Where(p => p.Key == "val_loss_epoch").MinBy(p => p.Value)!;
        Assert.Equal(best.Value, checkpoint.BestModelScore);
        var file = Assert.Single(Directory.GetFiles(_root.Combine("ckpt")));
        Assert.Matches(@"^epoch=\d-val_loss=\d\.\d{3}\.ckpt$", Path.GetFileName(file));
    }

    [Fact]
    public void ValidationStepValues_AreLoggedAtTheirOwnCounterAcrossValidations_WithoutAnEpoch()
    {
        var tracker = new CsvTracker(_root.Path);
        // Lightning's default sanity check (2 batches) must not advance the counter.
        var result = new Trainer(Options(2) with { NumSanityValSteps = 2 }, tracker: tracker).Fit(new BothWaysModule(), new IssueData());
        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);

        var rows = MetricsCsv.Read(Path.Combine(tracker.RunDirectory, "metrics.csv"));
        var stepRows = rows.Where(r => r.GetValueOrDefault("val_loss_step", "") != "").ToList();
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7"], stepRows.Select(r => r["step"]));
        Assert.All(stepRows, r => Assert.Equal("", r.GetValueOrDefault("epoch", "")));
    }

    [Fact]
    public void LoggedSteps_AreTheOptimizerStepsBeforeTheBatchsOwnStep()
    {
        var tracker = new RecordingTracker(_root.Path);
        var result = new Trainer(Options(2), tracker: tracker).Fit(new BothWaysModule(), new IssueData());
        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);

        // log_every_n_steps 5: Lightning's rows at 4, 9, 14, ...; ours adds each epoch's last batch (15, 31) on purpose.
        Assert.Equal([4L, 9, 14, 15, 19, 24, 29, 31], Steps(tracker, "train_loss_step"));
        // Epoch values and validation at the epoch's last training step, with that epoch.
        Assert.Equal([15L, 31], Steps(tracker, "train_loss_epoch"));
        Assert.Equal([15L, 31], Steps(tracker, "val_loss_epoch"));
        Assert.Equal([0.0, 1.0], tracker.Points.Where(p => p.Key == "epoch" && p.Step is 15 or 31).Select(p => p.Value).Distinct());
        Assert.Equal(32, result.GlobalStep);
    }

    [Theory]
    [InlineData(SchedulerInterval.Step, new long[] { 4, 9, 14, 19, 24, 29 })]
    [InlineData(SchedulerInterval.Epoch, new long[] { 0, 16 })]
    public void LearningRateMonitor_LogsAtLightningsSteps(SchedulerInterval interval, long[] expected)
    {
        var tracker = new RecordingTracker(_root.Path);
        new Trainer(Options(2), [new LearningRateMonitor(interval)], tracker).Fit(new BothWaysModule(), new IssueData());
        Assert.Equal(expected, Steps(tracker, "lr-SGD"));
    }

    [Fact]
    public void TestAfterFit_LogsIntoTheFitsRunAtItsFinalEpochAndStep()
    {
        var tracker = new CsvTracker(_root.Path);
        var trainer = new Trainer(Options(2), tracker: tracker);
        var module = new BothWaysModule();
        var data = new IssueData();
        Assert.Equal(RunOutcome.Finished, trainer.Fit(module, data).Outcome);
        var metrics = trainer.Test(module, data);

        Assert.Contains("test_loss", metrics.Keys);
        Assert.Equal(["version_0"], Directory.GetDirectories(Path.Combine(_root.Path, "lightning_logs")).Select(Path.GetFileName));
        var row = Assert.Single(MetricsCsv.Read(Path.Combine(tracker.RunDirectory, "metrics.csv")), r => r.GetValueOrDefault("test_loss", "") != "");
        Assert.Equal("32", row["step"]);
        Assert.Equal("2", row["epoch"]);
        Assert.Contains("status: FINISHED", File.ReadAllText(Path.Combine(tracker.RunDirectory, "status.yaml")));
    }

    [Fact]
    public void TestOnAnotherTrainer_OpensItsOwnRunAtStepZero()
    {
        var module = new BothWaysModule();
        var data = new IssueData();
        new Trainer(Options(1), tracker: new CsvTracker(_root.Path)).Fit(module, data);
        var tracker = new CsvTracker(_root.Path);
        new Trainer(Options(1), tracker: tracker).Test(module, data);

        Assert.Equal("version_1", Path.GetFileName(tracker.RunDirectory));
        var row = Assert.Single(MetricsCsv.Read(Path.Combine(tracker.RunDirectory, "metrics.csv")));
        Assert.Equal(("0", "0"), (row["step"], row["epoch"]));
    }

    [Fact]
    public void TestAfterAnInterruptedFit_KeepsTheRunKilled()
    {
        var tracker = new CsvTracker(_root.Path);
        var trainer = new Trainer(Options(2), tracker: tracker);
        var module = new BothWaysModule();
        var data = new IssueData();
        using var interrupt = new CancellationTokenSource();
        interrupt.Cancel();
        Assert.Equal(RunOutcome.Interrupted, trainer.Fit(module, data, interrupt: interrupt.Token).Outcome);
        trainer.Test(module, data);

        Assert.Contains("status: KILLED", File.ReadAllText(Path.Combine(tracker.RunDirectory, "status.yaml")));
        Assert.Single(Directory.GetDirectories(Path.Combine(_root.Path, "lightning_logs")));
    }

    /// <summary>The issue's module: the MLP fixture logging its losses on step and on epoch.</summary>
    private sealed class BothWaysModule() : MlpModule(inputs: 32, hidden: 64, outputs: 10)
    {
        private static readonly LogOptions BothWays = new(OnStep: true, OnEpoch: true);

        public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
        {
            var loss = nn.functional.cross_entropy(Forward(batch.Input), batch.Target);
            Log("train_loss", loss, BothWays);
            return loss;
        }

        public override void ValidationStep(TensorBatch batch, long batchIndex) =>
            Log("val_loss", nn.functional.cross_entropy(Forward(batch.Input), batch.Target), BothWays);

        public override OptimizerSetup ConfigureOptimizers() => new(optim.SGD(parameters(), 0.1));
    }

    /// <summary>1000 training rows of 32 features and 10 classes in batches of 64 (16 batches), 256 validation rows (4 batches).</summary>
    private sealed class IssueData : LightningDataModule<TensorBatch>
    {
        private Tensor? _trainX, _trainY, _valX, _valY;

        public override void Setup(Stage stage)
        {
            if (_trainX is not null) return;
            using var generator = new Generator(11);
            _trainX = randn([1000, 32], generator: generator);
            _trainY = randint(0, 10, [1000], generator: generator);
            _valX = randn([256, 32], generator: generator);
            _valY = randint(0, 10, [256], generator: generator);
        }

        public override IBatchLoader<TensorBatch> TrainLoader() =>
            new TensorLoader(_trainX!, _trainY!, new LoaderOptions { BatchSize = 64, Shuffle = true });

        public override IBatchLoader<TensorBatch> ValidationLoader() => new TensorLoader(_valX!, _valY!, new LoaderOptions { BatchSize = 64 });

        public override IBatchLoader<TensorBatch> TestLoader() => ValidationLoader();
    }

    private static List<long> Steps(RecordingTracker tracker, string key) => [.. tracker.Points.Where(p => p.Key == key).Select(p => p.Step)];
}
