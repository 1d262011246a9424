using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Tuning;

/// <summary>
/// Lightning's <c>Tuner</c>: searches for training settings on the real model and data before a fit, leaving the
/// module as it found it.
/// </summary>
/// <param name="trainer">The trainer whose options (device, precision, accumulation, clipping, seed) the search runs under.</param>
public sealed class Tuner(Trainer trainer)
{
    /// <summary>
    /// The LR range test: trains <paramref name="module"/> for up to <see cref="LrFindOptions.NumTraining"/> optimizer
    /// steps on <paramref name="data"/>, raising the learning rate of its configured optimizer each step, and suggests
    /// the rate where the smoothed loss falls fastest. Weights, optimizer state and the torch generator are restored afterwards.
    /// </summary>
    /// <exception cref="LightningConfigException">An option is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="interrupt"/> was cancelled during the sweep.</exception>
    public LrFindResult LrFind<TBatch>(LightningModule<TBatch> module, LightningDataModule<TBatch> data, LrFindOptions? options = null,
        CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch>
    {
        options ??= new LrFindOptions();
        var errors = new ConfigErrors("tune");
        options.Validate(errors);
        errors.ThrowIfAny();
        var callback = new LrFindCallback(options);
        // A plain fit of NumTraining steps: no validation, checkpoints, progress or tracking, only the sweep's callback.
        var sweep = new Trainer(trainer.Options with
        {
            MaxSteps = options.NumTraining,
            MaxEpochs = null,
            MinEpochs = 0,
            MaxTime = null,
            LimitValBatches = BatchLimit.None,
            NumSanityValSteps = 0,
            EnableCheckpointing = false,
            EnableProgressBar = false,
            EnableModelSummary = false,
            Strategy = TrainingStrategy.Single,
            WithoutScheduler = true,
        }, [callback], tracker: null, output: TextWriter.Null);

        using var rng = random.get_rng_state();
        using var weights = new WeightsSnapshot(module);
        FitResult result;
        try
        {
            result = sweep.Fit(module, data, interrupt: interrupt);
        }
        finally
        {
            weights.Restore(module);
            callback.Optimizer?.Restore();
            random.set_rng_state(rng);
        }
        if (result.Outcome == RunOutcome.Interrupted) throw new OperationCanceledException("The LR finder was interrupted.", interrupt);
        // A non-finite loss makes the fit fail (the loss guard); for the sweep it is the divergence it looks for.
        if (result.Outcome == RunOutcome.Failed && !callback.Diverged)
            throw result.Error ?? new InvalidOperationException(result.Message ?? "The LR finder's training failed.");

        var index = LrSuggestion.SteepestDescent(callback.LearningRates, callback.Losses, options.Mode);
        return new LrFindResult([.. callback.LearningRates], [.. callback.Losses], index is { } i ? callback.LearningRates[i] : null, index,
            callback.Diverged);
    }

    /// <summary>The LR range test on the module's own loaders (<see cref="LightningModule{TBatch}.TrainLoader"/>).</summary>
    public LrFindResult LrFind<TBatch>(LightningModule<TBatch> module, LrFindOptions? options = null, CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch> =>
        LrFind(module, new ModuleLoaders<TBatch>(module), options, interrupt);
}
