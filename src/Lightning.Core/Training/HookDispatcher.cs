using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Lightning.Core.Training;

/// <summary>
/// The one owner of hook order: each method calls every callback's hook, then the module's, as PyTorch Lightning 2.x
/// does. The exception policy is the same for all: a hook that throws ends the run as failed (Fit catches it once);
/// only <see cref="Exception"/> guards each callback, so the original error is the one reported.
/// </summary>
internal sealed class HookDispatcher<TBatch> where TBatch : IBatch<TBatch>
{
    // Arrays, not the list: a for loop over an array allocates nothing, and hooks run several times per step.
    private readonly Callback[] _all;
    private readonly Callback[] _plain;
    private readonly Callback[] _monitors;
    private readonly RunContext<TBatch> _context;
    private readonly LightningModule<TBatch> _module;

    public HookDispatcher(RunContext<TBatch> context, IReadOnlyList<Callback> callbacks)
    {
        _context = context;
        _module = context.Module;
        _all = [.. callbacks];
        _plain = [.. callbacks.Where(c => !IsMonitor(c))];
        // Early stopping decides before checkpoints are kept, as in Lightning (checkpoint callbacks go last).
        _monitors = [.. callbacks.OfType<EarlyStopping>(), .. callbacks.Where(c => c is ModelCheckpoint)];
    }

    public void Setup(Stage stage)
    {
        foreach (var c in _all) c.Setup(_context, stage);
        _module.Setup(stage);
    }

    public void Teardown(Stage stage)
    {
        foreach (var c in _all) c.Teardown(_context, stage);
        _module.Teardown(stage);
    }

    public void FitStart()
    {
        foreach (var c in _all) c.OnFitStart(_context);
        _module.OnFitStart();
    }

    public void FitEnd()
    {
        foreach (var c in _all) c.OnFitEnd(_context);
        _module.OnFitEnd();
    }

    public void SanityCheckStart()
    {
        foreach (var c in _all) c.OnSanityCheckStart(_context);
    }

    public void SanityCheckEnd()
    {
        foreach (var c in _all) c.OnSanityCheckEnd(_context);
    }

    public void TrainStart()
    {
        foreach (var c in _all) c.OnTrainStart(_context);
        _module.OnTrainStart();
    }

    public void TrainEnd()
    {
        foreach (var c in _all) c.OnTrainEnd(_context);
        _module.OnTrainEnd();
    }

    public void TrainEpochStart()
    {
        foreach (var c in _all) c.OnTrainEpochStart(_context);
        _module.OnTrainEpochStart();
    }

    /// <summary>Lightning's exception to callbacks-first: the module runs before checkpointing and early stopping.</summary>
    public void TrainEpochEnd(IReadOnlyDictionary<string, double> epochMetrics)
    {
        foreach (var c in _plain) c.OnTrainEpochEnd(_context, epochMetrics);
        _module.OnTrainEpochEnd();
    }

    /// <summary>The epoch end of checkpointing and early stopping, after what the module logged there is published.</summary>
    public void TrainEpochEndMonitors(IReadOnlyDictionary<string, double> epochMetrics)
    {
        foreach (var c in _monitors) c.OnTrainEpochEnd(_context, epochMetrics);
    }

    public void TrainBatchStart(TBatch batch, long index)
    {
        foreach (var c in _all) c.OnTrainBatchStart(_context, index);
        _module.OnTrainBatchStart(batch, index);
    }

    public void TrainBatchEnd(Tensor loss, TBatch batch, long index)
    {
        foreach (var c in _all) c.OnTrainBatchEnd(_context, loss, index, batch.Size);
        _module.OnTrainBatchEnd(loss, batch, index);
    }

    public void BeforeZeroGrad(Optimizer optimizer)
    {
        foreach (var c in _all) c.OnBeforeZeroGrad(_context);
        _module.OnBeforeZeroGrad(optimizer);
    }

    public void BeforeBackward(Tensor loss)
    {
        foreach (var c in _all) c.OnBeforeBackward(_context, loss);
        _module.OnBeforeBackward(loss);
    }

    public void AfterBackward()
    {
        foreach (var c in _all) c.OnAfterBackward(_context);
        _module.OnAfterBackward();
    }

    public void BeforeOptimizerStep(Optimizer optimizer)
    {
        foreach (var c in _all) c.OnBeforeOptimizerStep(_context);
        _module.OnBeforeOptimizerStep(optimizer);
    }

    public void EvaluationStart(bool test)
    {
        if (test)
        {
            foreach (var c in _all) c.OnTestStart(_context);
            _module.OnTestStart();
            foreach (var c in _all) c.OnTestEpochStart(_context);
            _module.OnTestEpochStart();
            return;
        }
        foreach (var c in _all) c.OnValidationStart(_context);
        _module.OnValidationStart();
        foreach (var c in _all) c.OnValidationEpochStart(_context);
        _module.OnValidationEpochStart();
    }

    public void EvaluationBatchStart(bool test, TBatch batch, long index)
    {
        if (test)
        {
            foreach (var c in _all) c.OnTestBatchStart(_context, index);
            _module.OnTestBatchStart(batch, index);
            return;
        }
        foreach (var c in _all) c.OnValidationBatchStart(_context, index);
        _module.OnValidationBatchStart(batch, index);
    }

    public void EvaluationBatchEnd(bool test, TBatch batch, long index)
    {
        if (test)
        {
            foreach (var c in _all) c.OnTestBatchEnd(_context, index);
            _module.OnTestBatchEnd(batch, index);
            return;
        }
        foreach (var c in _all) c.OnValidationBatchEnd(_context, index);
        _module.OnValidationBatchEnd(batch, index);
    }

    /// <summary>The epoch-end hooks; values the module logs here join the epoch metrics read after them.</summary>
    public void EvaluationEpochEnd(bool test)
    {
        if (test)
        {
            foreach (var c in _all) c.OnTestEpochEnd(_context);
            _module.OnTestEpochEnd();
            return;
        }
        foreach (var c in _all) c.OnValidationEpochEnd(_context);
        _module.OnValidationEpochEnd();
    }

    public void EvaluationEnd(bool test, IReadOnlyDictionary<string, double> metrics)
    {
        if (test)
        {
            foreach (var c in _all) c.OnTestEnd(_context, metrics);
            _module.OnTestEnd();
            return;
        }
        foreach (var c in _all) c.OnValidationEnd(_context, metrics);
        _module.OnValidationEnd();
    }

    public void PredictStart()
    {
        foreach (var c in _all) c.OnPredictStart(_context);
        _module.OnPredictStart();
    }

    public void PredictEnd()
    {
        foreach (var c in _all) c.OnPredictEnd(_context);
        _module.OnPredictEnd();
    }

    public void Interrupt()
    {
        foreach (var c in _all) c.OnInterrupt(_context);
    }

    public void CheckpointSaved(string path, double? score)
    {
        foreach (var c in _all) c.OnCheckpointSaved(_context, path, score);
    }

    /// <summary>Tells every callback the run is failing; one that fails here is reported beside the original error.</summary>
    public void Exception(Exception error)
    {
        foreach (var c in _all)
        {
            try
            {
                c.OnException(_context, error);
            }
            catch (Exception secondary)
            {
                _context.Fail($"{c.GetType().Name}.OnException failed: {secondary.Message}");
            }
        }
    }

    private static bool IsMonitor(Callback callback) => callback is EarlyStopping or ModelCheckpoint;
}
