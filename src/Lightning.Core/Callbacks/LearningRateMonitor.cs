using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Logs the learning rate of each parameter group as <c>lr-&lt;Optimizer&gt;</c> (with <c>/pg&lt;n&gt;</c> when there
/// are several groups).
/// </summary>
/// <param name="interval">Log at each epoch start (default) or at each logging step.</param>
public sealed class LearningRateMonitor(Modules.SchedulerInterval interval = Modules.SchedulerInterval.Epoch) : Callback
{
    /// <inheritdoc />
    public override void OnTrainEpochStart(ITrainerView trainer)
    {
        if (interval == Modules.SchedulerInterval.Epoch) Log(trainer);
    }

    /// <inheritdoc />
    public override void OnTrainBatchStart(ITrainerView trainer, long batchIndex)
    {
        // Lightning's logging steps: before the batch's own step, so the rows line up with the step metrics (4, 9, ... for 5).
        if (interval == Modules.SchedulerInterval.Step && (trainer.GlobalStep + 1) % trainer.Options.LogEveryNSteps == 0) Log(trainer);
    }

    private static void Log(ITrainerView trainer)
    {
        if (trainer.Optimizer is not { } optimizer) return;
        var groups = optimizer.ParamGroups.ToList();
        var name = "lr-" + optimizer.GetType().Name;
        var values = new Dictionary<string, double>();
        for (var i = 0; i < groups.Count; i++) values[groups.Count == 1 ? name : $"{name}/pg{i + 1}"] = groups[i].LearningRate;
        trainer.LogMetrics(values);
    }
}
