using Lightning.Core.Data;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>Runs validation or test batches without gradients and returns the epoch metrics.</summary>
internal sealed class EvaluationLoop<TBatch>(RunContext<TBatch> context) where TBatch : IBatch<TBatch>
{
    private readonly HookDispatcher<TBatch> _hooks = context.Hooks;
    // Lightning logs evaluation step values at the loop's own batch count, continued across the validations of one fit
    // (this loop lives as long as the fit) and never advanced by the sanity check.
    private long _batchesLogged;

    /// <summary>
    /// Runs up to <paramref name="batches"/> batches of <paramref name="loader"/>. During the sanity check
    /// (<see cref="RunContext{TBatch}.IsSanityChecking"/>) metrics are neither tracked nor seen by monitors.
    /// </summary>
    /// <returns>The metrics, or null when a stop signal interrupted the loop (nothing is published then).</returns>
    public IReadOnlyDictionary<string, double>? Run(IBatchLoader<TBatch> loader, long batches, LoopKind kind)
    {
        var module = context.Module;
        var previousLoop = context.Loop;
        var wasTraining = module.training;
        var test = kind == LoopKind.Test;
        var sanity = context.IsSanityChecking;
        context.Loop = kind;
        context.EvalLog.BeginLoop(kind);
        module.Attach(context.EvalLog);
        module.eval();
        try
        {
            _hooks.EvaluationStart(test);
            using (no_grad())
            {
                if (!RunBatches(loader, batches, kind)) return null;
                // Lightning reads the epoch metrics after on_*_epoch_end, so values logged there count.
                _hooks.EvaluationEpochEnd(test);
            }
            var metrics = context.EvalLog.ReadEpoch();
            if (!sanity) context.Publish(metrics);
            _hooks.EvaluationEnd(test, sanity ? new Dictionary<string, double>() : metrics);
            return metrics;
        }
        finally
        {
            module.train(wasTraining);
            module.Attach(context.TrainLog);
            context.Loop = previousLoop;
        }
    }

    private bool RunBatches(IBatchLoader<TBatch> loader, long batches, LoopKind kind)
    {
        var module = context.Module;
        var test = kind == LoopKind.Test;
        using var source = loader.Iterate(new LoaderPosition(0, 0, context.Progress.Seed)).GetEnumerator();
        for (long index = 0; index < batches; index++)
        {
            if (context.Interrupt.IsCancellationRequested) return false;
            using var scope = NewDisposeScope();
            if (!source.MoveNext())
            {
                if (index == 0)
                    throw new InvalidOperationException(
                        $"The {Describe(kind)} loader of {context.DataName} yielded no batches; it needs at least one.");
                return true;
            }
            using var hostBatch = source.Current;
            using var batch = context.Transfer.Move(hostBatch);
            context.EvalLog.BeginBatch(batch.Size, captureStep: true);
            _hooks.EvaluationBatchStart(test, batch, index);
            if (test) module.TestStep(batch, index);
            else module.ValidationStep(batch, index);
            if (!context.IsSanityChecking)
            {
                if (context.EvalLog.HasStepValues) context.PublishEvaluationStep(context.EvalLog.ReadStep(), _batchesLogged);
                _batchesLogged++;
            }
            _hooks.EvaluationBatchEnd(test, batch, index);
        }
        return true;
    }

    internal static string Describe(LoopKind kind) => kind switch
    {
        LoopKind.Train => "train",
        LoopKind.Validation => "validation",
        LoopKind.Test => "test",
        _ => "predict",
    };
}
