using Lightning.Core.Data;
using Lightning.Core.Logging;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>Runs validation or test batches without gradients and returns the epoch metrics.</summary>
internal sealed class EvaluationLoop<TBatch>(RunContext<TBatch> context) where TBatch : IBatch<TBatch>
{
    /// <summary>Runs up to <paramref name="batches"/> batches of <paramref name="loader"/>.</summary>
    /// <param name="loader">The loader.</param>
    /// <param name="batches">Batches to run (after limits).</param>
    /// <param name="kind">Validation or test.</param>
    /// <param name="sanity">A sanity check: metrics are neither tracked nor seen by monitors.</param>
    public IReadOnlyDictionary<string, double> Run(IBatchLoader<TBatch> loader, long batches, LoopKind kind, bool sanity = false)
    {
        var module = context.TypedModule;
        var previousLoop = context.Loop;
        var wasTraining = module.training;
        context.Loop = kind;
        context.IsSanityChecking = sanity;
        context.EvalLog.BeginLoop(kind);
        module.Attach(context.EvalLog);
        module.eval();
        try
        {
            Start(kind);
            using (no_grad())
            {
                RunBatches(loader, batches, kind);
            }
            var metrics = context.EvalLog.ReadEpoch();
            if (!sanity) context.Publish(metrics);
            End(kind, sanity ? new Dictionary<string, double>() : metrics);
            return metrics;
        }
        finally
        {
            module.train(wasTraining);
            module.Attach(context.TrainLog);
            context.Loop = previousLoop;
            context.IsSanityChecking = false;
        }
    }

    private void RunBatches(IBatchLoader<TBatch> loader, long batches, LoopKind kind)
    {
        using var source = loader.Iterate(new LoaderPosition(0, 0, context.Progress.Seed)).GetEnumerator();
        for (long index = 0; index < batches; index++)
        {
            if (context.Interrupt.IsCancellationRequested) return;
            using var scope = NewDisposeScope();
            if (!source.MoveNext())
            {
                if (index == 0) throw new InvalidOperationException($"The {Describe(kind)} loader of {context.Data.GetType().Name} yielded no batches; it needs at least one.");
                return;
            }
            using var hostBatch = source.Current;
            using var batch = context.Transfer.Move(hostBatch);
            context.EvalLog.BeginBatch(batch.Size, captureStep: true);
            if (kind == LoopKind.Test) context.TypedModule.TestStep(batch, index);
            else context.TypedModule.ValidationStep(batch, index);
            if (context.EvalLog.HasStepValues && !context.IsSanityChecking) context.Publish(context.EvalLog.ReadStep());
            foreach (var callback in context.Callbacks) callback.OnValidationBatchEnd(context, index);
        }
    }

    private void Start(LoopKind kind)
    {
        if (kind == LoopKind.Test)
        {
            context.TypedModule.OnTestStart();
            foreach (var callback in context.Callbacks) callback.OnTestStart(context);
            return;
        }
        context.TypedModule.OnValidationStart();
        context.TypedModule.OnValidationEpochStart();
        foreach (var callback in context.Callbacks) callback.OnValidationStart(context);
    }

    private void End(LoopKind kind, IReadOnlyDictionary<string, double> metrics)
    {
        if (kind == LoopKind.Test)
        {
            context.TypedModule.OnTestEpochEnd();
            context.TypedModule.OnTestEnd();
            foreach (var callback in context.Callbacks) callback.OnTestEnd(context, metrics);
            return;
        }
        context.TypedModule.OnValidationEpochEnd();
        context.TypedModule.OnValidationEnd();
        foreach (var callback in context.Callbacks) callback.OnValidationEnd(context, metrics);
    }

    internal static string Describe(LoopKind kind) => kind switch
    {
        LoopKind.Train => "train",
        LoopKind.Validation => "validation",
        LoopKind.Test => "test",
        _ => "predict",
    };
}
