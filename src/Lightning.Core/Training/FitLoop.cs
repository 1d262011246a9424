using Lightning.Core.Data;
using Lightning.Core.Distributed;
using Lightning.Core.Modules;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// The training loop: epochs of batches, each step in its own dispose scope on this one thread; validation at the
/// configured cadence; stops at step boundaries (never inside an accumulation window) so every checkpoint is exact.
/// </summary>
internal sealed class FitLoop<TBatch>(
    RunContext<TBatch> context, IBatchLoader<TBatch> train, IBatchLoader<TBatch>? validation, long trainBatches, long validationBatches,
    long validationEvery)
    where TBatch : IBatch<TBatch>
{
    private readonly EvaluationLoop<TBatch> _evaluation = new(context);
    private readonly TrainerOptions _options = context.Options;
    private readonly HookDispatcher<TBatch> _hooks = context.Hooks;
    // Read once: enumerating the module's parameters every step would allocate.
    private readonly TorchSharp.Modules.Parameter[] _parameters = [.. context.Module.parameters()];
    // Slots: interrupt, stop request, then one failure slot per rank, so the others can name the rank that failed.
    private readonly float[] _stopFlags = new float[2 + context.Group.WorldSize];
    private bool _interrupted;

    /// <summary>Runs from the current progress to the end; returns how it ended.</summary>
    public RunOutcome Run()
    {
        context.Module.train();
        _hooks.TrainStart();

        using var bucket = context.IsDistributed ? new GradientBucket(context.Group, _parameters, context.Device) : null;
        var progress = context.Progress;
        var outcome = RunOutcome.Finished;
        while (progress.Epoch < _options.EffectiveMaxEpochs && !StepLimitReached())
        {
            outcome = RunEpoch(bucket);
            if (outcome != RunOutcome.Finished || StepLimitReached()) break;
            // Early stopping at epoch end may have decided on one rank's view; all ranks leave the loop together.
            AgreeOnStop();
            if (context.ShouldStop && progress.Epoch >= _options.MinEpochs) break;
        }

        _hooks.TrainEnd();
        return outcome;
    }

    private RunOutcome RunEpoch(GradientBucket? bucket)
    {
        var progress = context.Progress;
        context.Loop = LoopKind.Train;
        if (progress.BatchInEpoch == 0) context.TrainLog.BeginLoop(LoopKind.Train);
        _hooks.TrainEpochStart();

        var overfitting = !_options.OverfitBatches.IsZero;
        var position = new LoaderPosition(progress.Epoch, progress.BatchInEpoch, progress.Seed) { AllowShuffle = !overfitting };
        // Interrupted during a validation: it runs again before training goes on, so no epoch goes unvalidated.
        if (progress.ValidationPending && !Validate()) return RunOutcome.Interrupted;
        using (var source = train.Iterate(position).GetEnumerator())
        {
            for (var index = progress.BatchInEpoch; index < trainBatches; index++)
            {
                // Stop only where no gradients are pending, so a checkpoint taken now resumes exactly.
                var atStepBoundary = index % _options.AccumulateGradBatches == 0;
                if (atStepBoundary) AgreeOnStop();
                if (atStepBoundary && _interrupted) return RunOutcome.Interrupted;
                if (atStepBoundary && context.Failure is not null) return RunOutcome.Failed;
                if (atStepBoundary && context.ShouldStop && progress.Epoch >= _options.MinEpochs) return RunOutcome.Finished;
                if (!TrainBatch(source, index, bucket)) break;
                if (ValidationDue(index) && !Validate()) return RunOutcome.Interrupted;
                // As in Lightning, max_steps reached mid-epoch ends training without the epoch-end validation.
                if (StepLimitReached()) break;
            }
        }
        // A failure in the epoch's last batch must end every rank's epoch, not only its own.
        AgreeOnStop();
        if (context.Failure is not null) return RunOutcome.Failed;
        EndEpoch();
        return RunOutcome.Finished;
    }

    // Lightning's order: batch start, training_step, zero_grad (opening an accumulation window), backward, and on
    // stepping batches on_before_optimizer_step with unclipped gradients, clipping, the step, then batch end.
    private bool TrainBatch(IEnumerator<TBatch> source, long index, GradientBucket? bucket)
    {
        var module = context.Module;
        var progress = context.Progress;
        var optimizer = context.Optimization!.Optimizer;
        using var scope = NewDisposeScope();
        if (!source.MoveNext())
        {
            if (index == 0)
                throw new InvalidOperationException(
                    $"The train loader of {context.DataName} yielded no batches in epoch {progress.Epoch}; fit needs at least one.");
            return false;
        }
        using var hostBatch = source.Current;
        using var batch = context.Transfer.Move(hostBatch);

        var stepsOptimizer = (index + 1) % _options.AccumulateGradBatches == 0 || index + 1 == trainBatches;
        // Step values are also read on an epoch's last batch, so runs shorter than log_every_n_steps still show them.
        var logs = stepsOptimizer && ((progress.GlobalStep + 1) % _options.LogEveryNSteps == 0 || index + 1 == trainBatches);
        context.BeginTrainBatch(batch.Size, captureStep: logs);
        _hooks.TrainBatchStart(batch, index);

        var loss = module.TrainingStep(batch, index)
                   ?? throw new InvalidOperationException($"{module.GetType().Name}.TrainingStep returned null; it must return the loss tensor.");
        if (index % _options.AccumulateGradBatches == 0)
        {
            _hooks.BeforeZeroGrad(optimizer);
            optimizer.zero_grad();
        }
        var scaled = _options.AccumulateGradBatches > 1 ? loss / _options.AccumulateGradBatches : loss;
        _hooks.BeforeBackward(scaled);
        scaled.backward();
        _hooks.AfterBackward();

        if (stepsOptimizer) StepOptimizer(optimizer, index, bucket);
        progress.BatchInEpoch = index + 1;
        if (logs) context.Publish(context.TrainLog.ReadStep());
        _hooks.TrainBatchEnd(loss, batch, index);
        return true;
    }

    // Lightning's rule: a step-interval scheduler counts batches of the epoch, not optimizer steps. As DDP's hooks do,
    // the gradients are averaged once the window's backward passes are done, so hooks and clipping see the mean.
    private void StepOptimizer(optim.Optimizer optimizer, long index, GradientBucket? bucket)
    {
        bucket?.AllReduceMean();
        _hooks.BeforeOptimizerStep(optimizer);
        if (_options.GradientClipVal is { } clip) GradientClipping.Clip(_parameters, clip, _options.GradientClipAlgorithm);
        optimizer.step();
        context.Progress.GlobalStep++;
        if (context.Optimization!.Scheduler is { Interval: SchedulerInterval.Step } scheduler &&
            (index + 1) % scheduler.Frequency == 0)
            context.StepScheduler(Monitored(scheduler));
    }

    // Lightning's epoch end: plain callbacks, then the module (what it logs is published as epoch values), then early
    // stopping and checkpointing, which can therefore monitor it. The epoch scheduler steps first so an epoch-end
    // checkpoint records its call and resumes exactly; as in Lightning, not when max_steps cut the epoch short.
    private void EndEpoch()
    {
        var progress = context.Progress;
        context.AtEpochEnd = true;
        try
        {
            var epochMetrics = context.TrainLog.ReadEpoch();
            context.Publish(epochMetrics);
            var ranToEnd = progress.BatchInEpoch == trainBatches || !StepLimitReached();
            if (ranToEnd && context.Optimization!.Scheduler is { Interval: SchedulerInterval.Epoch } scheduler &&
                (progress.Epoch + 1) % scheduler.Frequency == 0)
                context.StepScheduler(Monitored(scheduler));
            context.TrainLog.AtEpochEnd = true;
            _hooks.TrainEpochEnd(epochMetrics);
            context.TrainLog.AtEpochEnd = false;
            context.Publish(context.TrainLog.ReadEpoch());
            _hooks.TrainEpochEndMonitors(epochMetrics);
        }
        finally
        {
            context.AtEpochEnd = false;
            context.TrainLog.AtEpochEnd = false;
        }
        progress.Epoch++;
        progress.BatchInEpoch = 0;
    }

    private bool ValidationDue(long index) =>
        validation is not null && validationBatches > 0 &&
        ValidationCadence.Due(_options, validationEvery, trainBatches, context.Progress.Epoch, index);

    // False when a stop signal cut the validation short: its partial metrics are dropped, not passed off as the epoch's.
    private bool Validate()
    {
        context.Progress.ValidationPending = true;
        if (_evaluation.Run(validation!, validationBatches, LoopKind.Validation) is null) return false;
        context.Progress.ValidationPending = false;
        return true;
    }

    // Stop decisions (a signal, a failure, early stopping, max_time) are each rank's own; the ranks pool them at step
    // boundaries and all stop if any would, so none waits forever in a collective the others left.
    private void AgreeOnStop()
    {
        _interrupted = context.Interrupt.IsCancellationRequested;
        if (!context.IsDistributed) return;
        var group = context.Group;
        var flags = _stopFlags;
        Array.Clear(flags);
        flags[0] = _interrupted ? 1 : 0;
        flags[1] = context.StopReason is null ? 0 : 1;
        flags[2 + group.Rank] = context.Failure is null ? 0 : 1;
        group.AllReduce(flags, ReduceOperation.Sum);
        _interrupted = flags[0] > 0;
        if (flags[1] > 0) context.RequestStop("Another rank asked to stop.");
        var failed = Array.FindIndex(flags, 2, f => f > 0);
        if (failed >= 0) context.Fail($"Rank {failed - 2} failed; its output says why.");
    }

    private bool StepLimitReached() => _options.MaxSteps >= 0 && context.Progress.GlobalStep >= _options.MaxSteps;

    private double? Monitored(SchedulerSetup scheduler)
    {
        if (scheduler.Monitor is not { } name) return null;
        return context.CallbackMetrics.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException(
                $"The scheduler monitors '{name}', which has not been logged yet. " +
                $"Logged so far: {string.Join(", ", context.CallbackMetrics.Keys.Order())}. " +
                "Log it before the scheduler steps, or step the scheduler where it is logged " +
                "(with validation counted across epochs, Interval.Step and a Frequency of trainer.val_check_interval).");
    }
}
