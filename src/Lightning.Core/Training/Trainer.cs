using Lightning.Core.Callbacks;
using Lightning.Core.Checkpoints;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Distributed;
using Lightning.Core.Modules;
using Lightning.Core.Native;
using Lightning.Core.Tracking;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// Runs a <see cref="LightningModule{TBatch}"/> on a <see cref="LightningDataModule{TBatch}"/>: fit, validate, test,
/// predict. The loop is synchronous on the calling thread (TorchSharp's dispose scopes are thread-static).
/// </summary>
public sealed partial class Trainer
{
    private readonly TrainerOptions _options;
    private readonly ITracker _tracker;
    private readonly TextWriter _output;
    private readonly List<Callback> _callbacks;
    private readonly TrainingStrategy _strategy;
    private readonly IProcessGroup _group;
    // Where a rank that fails tells rank 0 why (a job of several ranks only).
    private readonly RankFailureNotes? _failureNotes;
    private volatile string? _otherRankFailure;
    // The last fit's run and position: a test or validation after it logs into that run, as in Lightning.
    private FittedRun? _fitted;

    /// <summary>Creates a trainer. Options are validated here.</summary>
    /// <param name="options">How to run.</param>
    /// <param name="callbacks">Callbacks; defaults (checkpointing, progress, summary, timer, non-finite guard) are added as options say.</param>
    /// <param name="tracker">Where runs go; default: nothing is recorded and checkpoints go under <c>default_root_dir</c>.</param>
    /// <param name="output">Where progress and summaries are written; default: the console (pass <see cref="TextWriter.Null"/> for silence).</param>
    /// <exception cref="LightningConfigException">An option is out of range.</exception>
    public Trainer(TrainerOptions options, IEnumerable<Callback>? callbacks = null, ITracker? tracker = null, TextWriter? output = null)
    {
        TorchNative.EnsureLoadable();
        var errors = new ConfigErrors("trainer");
        options.Validate(errors);
        errors.ThrowIfAny();
        _options = ApplyFastDevRun(options);
        _strategy = StrategySelection.Resolve(options.Strategy);
        _group = StrategySelection.Group(_strategy);
        if (_strategy == TrainingStrategy.Ddp) StrategySelection.CheckWorldSize(_options, _group);
        if (_group.WorldSize > 1) _failureNotes = RankFailureNotes.Agree(_group, _options.DefaultRootDir);
        // As Lightning's rank_zero_only: the other ranks train the same model, so what they would print or record is noise.
        var globalZero = _group.Rank == 0;
        // Programmatic use prints progress unless given a writer (TextWriter.Null for silence): the one Console default outside the host.
#pragma warning disable RS0030
        _output = globalZero ? output ?? Console.Out : TextWriter.Null;
#pragma warning restore RS0030
        _tracker = options.FastDevRun.IsEnabled || tracker is null || !globalZero ? new NullTracker(options.DefaultRootDir) : tracker;
        _callbacks = DefaultCallbacks.Arrange(callbacks ?? [], _options, _output, globalZero);
    }

    /// <summary>
    /// Throws the configuration error each rank of a job with <paramref name="options"/> would throw on this node: an
    /// accelerator of cuda without a GPU, more devices than GPUs. A process that starts the ranks itself checks first,
    /// so the error is said once, before any launcher starts.
    /// </summary>
    /// <exception cref="LightningConfigException">The node cannot run the job's ranks.</exception>
    public static void CheckDevicesOfThisNode(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // On the CPU there is nothing to check, and the relaunching process need not load libtorch.
        if (options.Accelerator == AcceleratorKind.Cpu) return;
        TorchNative.EnsureLoadable();
        DeviceSelection.CheckNode(options);
    }

    /// <summary>The options in force (after fast_dev_run adjustments).</summary>
    public TrainerOptions Options => _options;

    /// <summary>The callbacks in the order they run (checkpoint callbacks last).</summary>
    public IReadOnlyList<Callback> Callbacks => _callbacks;

    /// <summary>The strategy in force: <see cref="TrainingStrategy.Auto"/> resolved to single or ddp.</summary>
    public TrainingStrategy Strategy => _strategy;

    /// <summary>This process's rank and the job's world size (a group of one for the single strategy).</summary>
    public IProcessGroup ProcessGroup => _group;

    /// <summary>
    /// On rank 0 of a data-parallel fit: why another rank failed ("Rank 1 of 2 failed: ..."), once this rank has
    /// recorded its run as FAILED with it; null while no rank has said so (a killed rank says nothing).
    /// </summary>
    public string? OtherRankFailure => _otherRankFailure;

    /// <summary>The tracker runs go to (on ranks other than 0, a tracker that records nothing).</summary>
    public ITracker Tracker => _tracker;

    /// <summary>
    /// Name, params and tags for the tracker; the app host passes the whole resolved configuration. Default: the trainer
    /// options and the module's hyperparameters.
    /// </summary>
    public RunStart? Run { get; init; }

    /// <summary>
    /// How a rank of a data-parallel fit words the exception that ends the job, for every rank's output and rank 0's
    /// run (the app host names the user's method and keeps the trace in a log file). Default: the exception's message.
    /// </summary>
    public Func<Exception, string>? DescribeFailure { get; init; }

    /// <summary>
    /// Trains <paramref name="module"/> on its own loaders (<see cref="LightningModule{TBatch}.TrainLoader"/>, ...), as Lightning's
    /// <c>trainer.fit(model)</c>.
    /// </summary>
    /// <param name="module">The module; it owns its data.</param>
    /// <param name="checkpointPath">A checkpoint file to resume from, or null.</param>
    /// <param name="interrupt">Cancel to stop at the next step boundary with a checkpoint.</param>
    public FitResult Fit<TBatch>(LightningModule<TBatch> module, string? checkpointPath = null, CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch> =>
        Fit(module, new ModuleLoaders<TBatch>(module), checkpointPath, interrupt);

    /// <summary>Trains <paramref name="module"/> on the given loaders; a missing validation loader falls back to the module's.</summary>
    /// <param name="module">The module.</param>
    /// <param name="trainLoader">The training batches.</param>
    /// <param name="validationLoader">The validation batches, or null.</param>
    /// <param name="checkpointPath">A checkpoint file to resume from, or null.</param>
    /// <param name="interrupt">Cancel to stop at the next step boundary with a checkpoint.</param>
    public FitResult Fit<TBatch>(LightningModule<TBatch> module, IBatchLoader<TBatch> trainLoader, IBatchLoader<TBatch>? validationLoader = null,
        string? checkpointPath = null, CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch> =>
        Fit(module, new ModuleLoaders<TBatch>(module, trainLoader, validationLoader), checkpointPath, interrupt);

    /// <summary>Trains <paramref name="module"/>, resuming from <paramref name="checkpointPath"/> when given.</summary>
    /// <param name="module">The module.</param>
    /// <param name="data">The data.</param>
    /// <param name="checkpointPath">A checkpoint file to resume from, or null.</param>
    /// <param name="interrupt">Cancel to stop at the next step boundary with a checkpoint (SIGINT/SIGTERM).</param>
    public FitResult Fit<TBatch>(LightningModule<TBatch> module, LightningDataModule<TBatch> data, string? checkpointPath = null,
        CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch>
    {
        var checkpoint = checkpointPath is null ? null : CheckpointFile.Read(checkpointPath);
        _fitted = null;
        using var context = Prepare(module, data, Stage.Fit, interrupt);
        var started = false;
        try
        {
            var train = ShardOf(data.TrainLoader(), "train", context.DataName)
                        ?? throw new InvalidOperationException($"{context.DataName} has no train loader: {Override(data, "TrainLoader")} to fit.");
            var validation = _options.OverfitBatches.IsZero ? ShardOf(data.ValidationLoader(), "validation", context.DataName) : train;
            var trainBatches = TrainBatches(train, context.DataName);
            var validationBatches = validation is null ? 0
                : _options.OverfitBatches.IsZero ? _options.LimitValBatches.Resolve(validation.BatchesPerEpoch)
                : trainBatches;
            context.TrainBatchesPerEpoch = trainBatches;
            context.ValidationBatches = validationBatches;
            // A cadence the epochs cannot hold is a config error, so it is raised before the run starts, not as a failed run.
            var validationEvery = ValidationCadence.Interval(_options, trainBatches);
            TrainableParameters.Require(module);
            context.Optimization = module.ConfigureOptimizers();
            if (_options.WithoutScheduler) context.Optimization = context.Optimization with { Scheduler = null };
            TrainableParameters.Require(module, context.Optimization.Optimizer);
            if (checkpoint is not null) context.Checkpointing.Restore(checkpoint, training: true);
            DistributedState.BroadcastFromRankZero(context.Group, module);

            var inputs = InputsOf(data, Stage.Fit);
            _tracker.StartRun(Described(RunStartFor(module, context.Progress.Seed), module, context.DataName, Stage.Fit, inputs)
                with { ResumedFrom = checkpoint is null ? null : RunOf(checkpoint) });
            if (inputs.Count > 0) _tracker.LogInputs(inputs);
            started = true;
            using var watch = _failureNotes is not null && _group.Rank == 0
                ? new OtherRankFailureWatch(_failureNotes, RecordOtherRankFailure, TimeProvider.System)
                : null;
            context.Hooks.FitStart();
            if (checkpoint is null && validation is not null) SanityCheck(context, validation, validationBatches);

            var outcome = new FitLoop<TBatch>(context, train, validation, trainBatches, validationBatches, validationEvery).Run();
            if (outcome == RunOutcome.Interrupted) context.Hooks.Interrupt();
            return Finish(context, started, outcome, outcome switch
            {
                RunOutcome.Failed => context.Failure,
                RunOutcome.Interrupted => "Interrupted; a checkpoint was saved to resume from.",
                _ => context.StopReason,
            });
        }
        catch (Exception error) when (error is not LightningConfigException and not CheckpointException || started)
        {
            context.Hooks.Exception(error);
            var failed = Finish(context, started, RunOutcome.Failed, error.Message, error);
            RankFailure.EndJob(_group, DescribeFailure?.Invoke(error) ?? error.Message, _failureNotes);
            return failed;
        }
        finally
        {
            TeardownAll(context, data, Stage.Fit);
        }
    }

    // Runs on the watch's thread while the training thread may wait in a collective: the launcher may kill this process
    // as soon as the failed rank ends the job, so the run's end is written and flushed before that rank is told.
    private void RecordOtherRankFailure(RankFailureNote note)
    {
        _output.WriteLine($"Rank {note.Rank} failed (its message is above); the run is recorded as FAILED with it.");
        _output.Flush();
        _tracker.EndRunOnExit(RunStatus.Failed, note.Message);
        _otherRankFailure = note.Message;
    }

    /// <summary>Runs <paramref name="loader"/> (or, when null, the module's validation loader) once and returns its metrics.</summary>
    public IReadOnlyDictionary<string, double> Validate<TBatch>(LightningModule<TBatch> module, IBatchLoader<TBatch>? loader = null,
        string? checkpointPath = null, CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch> =>
        Evaluate(module, new ModuleLoaders<TBatch>(module, validation: loader), checkpointPath, Stage.Validate, interrupt);

    /// <summary>Runs <paramref name="loader"/> (or, when null, the module's test loader) once and returns its metrics.</summary>
    public IReadOnlyDictionary<string, double> Test<TBatch>(LightningModule<TBatch> module, IBatchLoader<TBatch>? loader = null,
        string? checkpointPath = null, CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch> =>
        Evaluate(module, new ModuleLoaders<TBatch>(module, test: loader), checkpointPath, Stage.Test, interrupt);

    /// <summary>
    /// Runs <paramref name="loader"/> (or, when null, the module's predict loader) and returns each batch's predictions on the CPU.
    /// </summary>
    public IReadOnlyList<Tensor> Predict<TBatch>(LightningModule<TBatch> module, IBatchLoader<TBatch>? loader = null, string? checkpointPath = null,
        CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch> =>
        Predict(module, new ModuleLoaders<TBatch>(module, predict: loader), checkpointPath, interrupt);

    /// <summary>Runs the validation loader once and returns its metrics.</summary>
    public IReadOnlyDictionary<string, double> Validate<TBatch>(LightningModule<TBatch> module, LightningDataModule<TBatch> data,
        string? checkpointPath = null, CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch> =>
        Evaluate(module, data, checkpointPath, Stage.Validate, interrupt);

    /// <summary>Runs the test loader once and returns its metrics.</summary>
    public IReadOnlyDictionary<string, double> Test<TBatch>(LightningModule<TBatch> module, LightningDataModule<TBatch> data,
        string? checkpointPath = null, CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch> =>
        Evaluate(module, data, checkpointPath, Stage.Test, interrupt);

    /// <summary>Runs the predict loader and returns each batch's predictions on the CPU.</summary>
    public IReadOnlyList<Tensor> Predict<TBatch>(LightningModule<TBatch> module, LightningDataModule<TBatch> data, string? checkpointPath = null,
        CancellationToken interrupt = default)
        where TBatch : IBatch<TBatch>
    {
        var checkpoint = checkpointPath is null ? null : CheckpointFile.Read(checkpointPath);
        using var context = Prepare(module, data, Stage.Predict, interrupt);
        try
        {
            var loader = data.PredictLoader()
                ?? throw new InvalidOperationException($"{context.DataName} has no predict loader: {Override(data, "PredictLoader")} to predict.");
            if (checkpoint is not null) context.Checkpointing.Restore(checkpoint, training: false);
            return new PredictionLoop<TBatch>(context).Run(loader, _options.LimitPredictBatches.Resolve(loader.BatchesPerEpoch));
        }
        finally
        {
            TeardownAll(context, data, Stage.Predict);
        }
    }

    private IReadOnlyDictionary<string, double> Evaluate<TBatch>(LightningModule<TBatch> module, LightningDataModule<TBatch> data,
        string? checkpointPath, Stage stage, CancellationToken interrupt)
        where TBatch : IBatch<TBatch>
    {
        var checkpoint = checkpointPath is null ? null : CheckpointFile.Read(checkpointPath);
        using var context = Prepare(module, data, stage, interrupt);
        var kind = stage == Stage.Test ? LoopKind.Test : LoopKind.Validation;
        try
        {
            var loader = (stage == Stage.Test ? data.TestLoader() : data.ValidationLoader())
                         ?? throw new InvalidOperationException(
                             $"{context.DataName} has no {EvaluationLoop<TBatch>.Describe(kind)} loader: " +
                             $"{Override(data, stage == Stage.Test ? "TestLoader" : "ValidationLoader")} to {stage.ToString().ToLowerInvariant()}.");
            if (checkpoint is not null) context.Checkpointing.Restore(checkpoint, training: false);
            var limit = stage == Stage.Test ? _options.LimitTestBatches : _options.LimitValBatches;
            var batches = limit.Resolve(loader.BatchesPerEpoch);
            if (batches == 0)
                throw new InvalidOperationException(
                    $"The {EvaluationLoop<TBatch>.Describe(kind)} loader of {context.DataName} yields no batches; it needs at least one.");
            var reopened = Reopen(context);
            var inputs = InputsOf(data, stage);
            if (!reopened) _tracker.StartRun(Described(RunStartFor(module, context.Progress.Seed), module, context.DataName, stage, inputs));
            if (inputs.Count > 0) _tracker.LogInputs(inputs);
            try
            {
                var metrics = new EvaluationLoop<TBatch>(context).Run(loader, batches, kind);
                // Interrupted part-way: a partial mean is not the data set's, so nothing is reported and the run is KILLED.
                EndEvaluationRun(reopened, metrics is null ? RunStatus.Killed : RunStatus.Finished, null);
                return metrics ?? new Dictionary<string, double>();
            }
            catch (Exception error) when (reopened)
            {
                // The fit's run must not stay RUNNING; a standalone run's failure is the caller's to record.
                EndEvaluationRun(reopened, RunStatus.Failed, error.Message);
                throw;
            }
        }
        finally
        {
            TeardownAll(context, data, stage);
        }
    }

    // After a fit, an evaluation continues the fit's run at its final epoch and step; without one it starts its own.
    private bool Reopen<TBatch>(RunContext<TBatch> context) where TBatch : IBatch<TBatch>
    {
        if (_fitted is not { } fitted) return false;
        context.Progress.Epoch = fitted.Epoch;
        context.Progress.GlobalStep = fitted.GlobalStep;
        return _tracker.TryReopenRun();
    }

    private void EndEvaluationRun(bool reopened, RunStatus status, string? message)
    {
        var (final, note) = reopened ? _fitted!.EndAfter(status, message) : (status, message);
        _tracker.EndRun(final, note);
        _tracker.Flush(TimeSpan.FromSeconds(30));
    }
}
