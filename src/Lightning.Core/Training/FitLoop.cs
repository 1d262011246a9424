using Lightning.Core.Data;
using Lightning.Core.Logging;
using Lightning.Core.Modules;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// The training loop: epochs of batches, each step in its own dispose scope on this one thread; validation at the
/// configured cadence; stops at step boundaries (never inside an accumulation window) so every checkpoint is exact.
/// </summary>
internal sealed class FitLoop<TBatch>(
    RunContext<TBatch> context, IBatchLoader<TBatch> train, IBatchLoader<TBatch>? validation, long trainBatches, long validationBatches)
    where TBatch : IBatch<TBatch>
{
    private readonly EvaluationLoop<TBatch> _evaluation = new(context);
    private readonly TrainerOptions _options = context.Options;
    private readonly long _validationEvery = ValidationInterval(context.Options, trainBatches);

    /// <summary>Runs from the current progress to the end; returns why it stopped early, or null.</summary>
    public RunOutcome Run()
    {
        var module = context.TypedModule;
        module.train();
        module.OnTrainStart();
        foreach (var callback in context.Callbacks) callback.OnTrainStart(context);

        var progress = context.Progress;
        var outcome = RunOutcome.Finished;
        while (progress.Epoch < _options.EffectiveMaxEpochs && !StepLimitReached())
        {
            outcome = RunEpoch();
            if (outcome != RunOutcome.Finished || StepLimitReached()) break;
            if (context.ShouldStop && progress.Epoch >= _options.MinEpochs) break;
        }

        module.OnTrainEnd();
        foreach (var callback in context.Callbacks) callback.OnTrainEnd(context);
        return outcome;
    }

    private RunOutcome RunEpoch()
    {
        var module = context.TypedModule;
        var progress = context.Progress;
        context.Loop = LoopKind.Train;
        if (progress.BatchInEpoch == 0) context.TrainLog.BeginLoop(LoopKind.Train);
        module.OnTrainEpochStart();
        foreach (var callback in context.Callbacks) callback.OnTrainEpochStart(context);

        var overfitting = !_options.OverfitBatches.IsZero;
        var position = new LoaderPosition(progress.Epoch, progress.BatchInEpoch, progress.Seed) { AllowShuffle = !overfitting };
        using (var source = train.Iterate(position).GetEnumerator())
        {
            for (var index = progress.BatchInEpoch; index < trainBatches; index++)
            {
                // Stop only where no gradients are pending, so a checkpoint taken now resumes exactly.
                var atStepBoundary = index % _options.AccumulateGradBatches == 0;
                if (atStepBoundary && context.Interrupt.IsCancellationRequested) return RunOutcome.Interrupted;
                if (atStepBoundary && context.Failure is not null) return RunOutcome.Failed;
                if (atStepBoundary && context.ShouldStop && progress.Epoch >= _options.MinEpochs) return RunOutcome.Finished;
                if (!TrainBatch(source, index)) break;
                // Reaching max_steps ends training, so the final weights are validated as an epoch end would be.
                var stopping = StepLimitReached();
                if (ValidationDue(index) || (stopping && ValidationEpoch())) Validate();
                if (stopping) break;
            }
        }
        if (context.Failure is not null) return RunOutcome.Failed;
        EndEpoch();
        return RunOutcome.Finished;
    }

    private bool TrainBatch(IEnumerator<TBatch> source, long index)
    {
        var module = context.TypedModule;
        var progress = context.Progress;
        var optimizer = context.Optimization!.Optimizer;
        using var scope = NewDisposeScope();
        if (!source.MoveNext())
        {
            if (index == 0) throw new InvalidOperationException($"The train loader of {context.Data.GetType().Name} yielded no batches in epoch {progress.Epoch}; fit needs at least one.");
            return false;
        }
        using var hostBatch = source.Current;
        using var batch = context.Transfer.Move(hostBatch);

        var stepsOptimizer = (index + 1) % _options.AccumulateGradBatches == 0 || index + 1 == trainBatches;
        // Step values are also read on an epoch's last batch, so runs shorter than log_every_n_steps still show them.
        var logs = stepsOptimizer && ((progress.GlobalStep + 1) % _options.LogEveryNSteps == 0 || index + 1 == trainBatches);
        context.TrainLog.BeginBatch(batch.Size, captureStep: logs);
        module.OnTrainBatchStart(batch, index);
        foreach (var callback in context.Callbacks) callback.OnTrainBatchStart(context, index);

        var loss = module.TrainingStep(batch, index)
                   ?? throw new InvalidOperationException($"{module.GetType().Name}.TrainingStep returned null; it must return the loss tensor.");
        var scaled = _options.AccumulateGradBatches > 1 ? loss / _options.AccumulateGradBatches : loss;
        module.OnBeforeBackward(scaled);
        foreach (var callback in context.Callbacks) callback.OnBeforeBackward(context, scaled);
        scaled.backward();
        module.OnAfterBackward();
        foreach (var callback in context.Callbacks) callback.OnAfterBackward(context);

        if (stepsOptimizer) StepOptimizer(module, optimizer);
        progress.BatchInEpoch = index + 1;
        if (logs) context.Publish(context.TrainLog.ReadStep());
        module.OnTrainBatchEnd(loss, batch, index);
        foreach (var callback in context.Callbacks) callback.OnTrainBatchEnd(context, loss, index, batch.Size);
        return true;
    }

    private void StepOptimizer(LightningModule<TBatch> module, optim.Optimizer optimizer)
    {
        if (_options.GradientClipVal is { } clip) GradientClipping.Clip(module.parameters(), clip, _options.GradientClipAlgorithm);
        module.OnBeforeOptimizerStep(optimizer);
        foreach (var callback in context.Callbacks) callback.OnBeforeOptimizerStep(context);
        optimizer.step();
        module.OnBeforeZeroGrad(optimizer);
        foreach (var callback in context.Callbacks) callback.OnBeforeZeroGrad(context);
        optimizer.zero_grad();
        context.Progress.GlobalStep++;
        if (context.Optimization!.Scheduler is { Interval: SchedulerInterval.Step } scheduler &&
            context.Progress.GlobalStep % scheduler.Frequency == 0)
            context.StepScheduler(Monitored(scheduler));
    }

    private void EndEpoch()
    {
        var progress = context.Progress;
        context.AtEpochEnd = true;
        try
        {
            var epochMetrics = context.TrainLog.ReadEpoch();
            context.Publish(epochMetrics);
            if (context.Optimization!.Scheduler is { Interval: SchedulerInterval.Epoch } scheduler &&
                (progress.Epoch + 1) % scheduler.Frequency == 0)
                context.StepScheduler(Monitored(scheduler));
            context.TypedModule.OnTrainEpochEnd();
            foreach (var callback in context.Callbacks) callback.OnTrainEpochEnd(context, epochMetrics);
        }
        finally
        {
            context.AtEpochEnd = false;
        }
        progress.Epoch++;
        progress.BatchInEpoch = 0;
    }

    private bool ValidationDue(long index) => ValidationEpoch() && (index + 1) % _validationEvery == 0;

    private bool ValidationEpoch() =>
        validation is not null && validationBatches > 0 && (context.Progress.Epoch + 1) % _options.CheckValEveryNEpoch == 0;

    private void Validate() => _evaluation.Run(validation!, validationBatches, LoopKind.Validation);

    private bool StepLimitReached() => _options.MaxSteps >= 0 && context.Progress.GlobalStep >= _options.MaxSteps;

    private double? Monitored(SchedulerSetup scheduler)
    {
        if (scheduler.Monitor is not { } name) return null;
        return context.CallbackMetrics.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException(
                $"The scheduler monitors '{name}', which has not been logged yet. Logged so far: {string.Join(", ", context.CallbackMetrics.Keys.Order())}.");
    }

    private static long ValidationInterval(TrainerOptions options, long trainBatches)
    {
        var interval = options.ValCheckInterval;
        if (interval.Fraction is { } fraction) return Math.Max(1, (long)Math.Floor(trainBatches * fraction));
        var count = interval.Count ?? trainBatches;
        if (count > trainBatches)
            throw new Configuration.LightningConfigException([new Configuration.ConfigIssue("trainer.val_check_interval", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "trainer options",
                $"must not exceed the {trainBatches} training batches of an epoch; use a fraction such as 0.5 to validate within an epoch.")]);
        return count;
    }
}
