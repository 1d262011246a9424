using Lightning.Core.Data;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>Runs prediction batches without gradients and returns each batch's predictions on the CPU.</summary>
internal sealed class PredictionLoop<TBatch>(RunContext<TBatch> context) where TBatch : IBatch<TBatch>
{
    public IReadOnlyList<Tensor> Run(IBatchLoader<TBatch> loader, long batches)
    {
        var module = context.Module;
        context.Loop = LoopKind.Predict;
        context.EvalLog.BeginLoop(LoopKind.Predict);
        module.Attach(context.EvalLog);
        module.eval();
        context.Hooks.PredictStart();
        var predictions = new List<Tensor>();
        using (no_grad())
        {
            using var source = loader.Iterate(new LoaderPosition(0, 0, context.Progress.Seed)).GetEnumerator();
            for (long index = 0; index < batches && !context.Interrupt.IsCancellationRequested; index++)
            {
                using var scope = NewDisposeScope();
                if (!source.MoveNext())
                {
                    if (index == 0)
                        throw new InvalidOperationException($"The predict loader of {context.DataName} yielded no batches; it needs at least one.");
                    break;
                }
                using var hostBatch = source.Current;
                using var batch = context.Transfer.Move(hostBatch);
                predictions.Add(module.PredictStep(batch, index).detach().cpu().MoveToOuterDisposeScope());
            }
        }
        context.Hooks.PredictEnd();
        return predictions;
    }
}
