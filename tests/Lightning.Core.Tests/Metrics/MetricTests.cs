using Lightning.Core.Logging;
using Lightning.Core.Metrics;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Metrics;

public sealed class MetricTests
{
    // Multiclass, 3 classes. targets 0 0 1 1 2 2, predictions 0 1 1 1 2 0.
    private static readonly long[] Targets = [0, 0, 1, 1, 2, 2];
    private static readonly long[] Predicted = [0, 1, 1, 1, 2, 0];

    private static double Run(Metric metric, Tensor predictions, Tensor targets, int split = 2)
    {
        // Fed in two batches: accumulation across batches is part of the contract.
        var n = predictions.shape[0];
        metric.Update(predictions.narrow(0, 0, split), targets.narrow(0, 0, split));
        metric.Update(predictions.narrow(0, split, n - split), targets.narrow(0, split, n - split));
        return metric.Compute();
    }

    private static Tensor Logits(long[] labels) => nn.functional.one_hot(tensor(labels), 3).to(ScalarType.Float32) * 5;

    [Fact]
    public void Accuracy_Multiclass_FromLogitsAndLabels()
    {
        Assert.Equal(4.0 / 6, Run(new Accuracy(ClassificationTask.Multiclass, 3), Logits(Predicted), tensor(Targets)), 12);
        Assert.Equal(4.0 / 6, Run(new Accuracy(ClassificationTask.Multiclass, 3), tensor(Predicted), tensor(Targets)), 12);
    }

    [Fact]
    public void PrecisionRecallF1_Multiclass_MacroAverage()
    {
        // Per class: precision 1/2, 2/3, 1/1; recall 1/2, 2/2, 1/2; F1 = 2TP/(pred+actual): 2/4, 4/5, 2/3.
        Assert.Equal((0.5 + 2.0 / 3 + 1) / 3, Run(new Precision(ClassificationTask.Multiclass, 3), Logits(Predicted), tensor(Targets)), 12);
        Assert.Equal((0.5 + 1 + 0.5) / 3, Run(new Recall(ClassificationTask.Multiclass, 3), Logits(Predicted), tensor(Targets)), 12);
        Assert.Equal((0.5 + 0.8 + 2.0 / 3) / 3, Run(new F1Score(ClassificationTask.Multiclass, 3), Logits(Predicted), tensor(Targets)), 12);
    }

    [Fact]
    public void Binary_ThresholdsProbabilitiesAtHalf()
    {
        var probabilities = tensor(new[] { 0.9f, 0.2f, 0.6f, 0.4f, 0.7f });
        var targets = tensor(new long[] { 1, 0, 0, 1, 1 });
        // Predicted 1 0 1 0 1: TP 2, FP 1, FN 1.
        Assert.Equal(3.0 / 5, Run(new Accuracy(ClassificationTask.Binary), probabilities, targets), 12);
        Assert.Equal(2.0 / 3, Run(new Precision(ClassificationTask.Binary), probabilities, targets), 12);
        Assert.Equal(2.0 / 3, Run(new Recall(ClassificationTask.Binary), probabilities, targets), 12);
        Assert.Equal(2.0 / 3, Run(new F1Score(ClassificationTask.Binary), probabilities, targets), 12);
    }

    [Fact]
    public void NoPredictionsOfAClass_CountsZeroNotNaN()
    {
        var value = Run(new Precision(ClassificationTask.Multiclass, 3), tensor(new long[] { 0, 0, 0, 0 }), tensor(new long[] { 0, 1, 2, 0 }));
        Assert.Equal((0.5 + 0 + 0) / 3, value, 12);
    }

    [Fact]
    public void Regression_MseMaeR2()
    {
        var predictions = tensor(new[] { 1.0f, 2.0f, 4.0f, 5.0f });
        var targets = tensor(new[] { 1.5f, 2.0f, 3.0f, 6.0f });
        // errors -0.5 0 1 -1; SSE 2.25; mean target 3.125; SST = 2.640625+1.265625+0.015625+8.265625 = 12.1875
        Assert.Equal(2.25 / 4, Run(new MeanSquaredError(), predictions, targets), 6);
        Assert.Equal(2.5 / 4, Run(new MeanAbsoluteError(), predictions, targets), 6);
        Assert.Equal(1 - 2.25 / 12.1875, Run(new R2Score(), predictions, targets), 6);
    }

    [Fact]
    public void Mean_IsWeighted()
    {
        using var mean = new MeanMetric();
        mean.Update(tensor(1.0f), 2);
        mean.Update(tensor(4.0f), 6);
        Assert.Equal((1.0 * 2 + 4.0 * 6) / 8, mean.Compute(), 12);
    }

    [Fact]
    public void Reset_StartsOver()
    {
        var accuracy = new Accuracy(ClassificationTask.Multiclass, 3);
        accuracy.Update(tensor(new long[] { 0 }), tensor(new long[] { 1 }));
        accuracy.Reset();
        accuracy.Update(tensor(new long[] { 1 }), tensor(new long[] { 1 }));
        Assert.Equal(1.0, accuracy.Compute());
        var empty = new Accuracy(ClassificationTask.Multiclass, 3);
        Assert.Throws<InvalidOperationException>(() => empty.Compute());
    }

    [Fact]
    public void EpochValues_AreWeightedByBatchSize()
    {
        using var log = new MetricLog();
        log.BeginLoop(LoopKind.Validation);
        log.BeginBatch(batchSize: 2, captureStep: false);
        log.Log("val_loss", tensor(1.0f), new LogOptions());
        log.BeginBatch(batchSize: 6, captureStep: false);
        log.Log("val_loss", tensor(4.0f), new LogOptions());
        log.Log("val_other", 3.0, new LogOptions(BatchSize: 1));
        var epoch = log.ReadEpoch();
        Assert.Equal(26.0 / 8, epoch["val_loss"], 12);
        Assert.Equal(3.0, epoch["val_other"]);
    }

    [Fact]
    public void StepValues_AreKeptOnlyOnCapturedSteps()
    {
        using var log = new MetricLog();
        log.BeginLoop(LoopKind.Train);
        log.BeginBatch(4, captureStep: false);
        log.Log("train_loss", tensor(1.0f), new LogOptions());
        Assert.False(log.HasStepValues);
        log.BeginBatch(4, captureStep: true);
        log.Log("train_loss", tensor(2.0f), new LogOptions(OnEpoch: true));
        Assert.Equal(2.0, log.ReadStep()["train_loss_step"]);
        Assert.Equal(2.0, log.ReadEpoch()["train_loss_epoch"]);
    }

    [Fact]
    public void Log_RejectsNonScalars() =>
        Assert.Throws<ArgumentException>(() =>
        {
            using var log = new MetricLog();
            log.BeginLoop(LoopKind.Train);
            log.BeginBatch(1, true);
            log.Log("x", ones(3), new LogOptions());
        });
}
