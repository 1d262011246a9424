using Lightning.Core.Callbacks;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Support;

/// <summary>Counts what the loops did, as seen through the hooks.</summary>
public sealed class RecordingCallback : Callback
{
    public int TrainBatches { get; private set; }
    public int ValidationRuns { get; private set; }
    public int ValidationBatches { get; private set; }
    public int SanityBatches { get; private set; }
    public int OptimizerSteps { get; private set; }
    public int EpochsEnded { get; private set; }
    public List<long> BatchIndices { get; } = [];
    public List<IReadOnlyDictionary<string, double>> ValidationMetrics { get; } = [];
    public Action<ITrainerView>? BeforeOptimizerStep { get; init; }

    public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
    {
        TrainBatches++;
        BatchIndices.Add(batchIndex);
    }

    public override void OnValidationBatchEnd(ITrainerView trainer, long batchIndex)
    {
        if (trainer.IsSanityChecking) SanityBatches++;
        else ValidationBatches++;
    }

    public override void OnValidationEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics)
    {
        if (trainer.IsSanityChecking) return;
        ValidationRuns++;
        ValidationMetrics.Add(metrics);
    }

    public override void OnBeforeOptimizerStep(ITrainerView trainer)
    {
        OptimizerSteps++;
        BeforeOptimizerStep?.Invoke(trainer);
    }

    public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics) => EpochsEnded++;
}
