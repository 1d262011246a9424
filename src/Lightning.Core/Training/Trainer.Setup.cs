using Lightning.Core.Callbacks;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Distributed;
using Lightning.Core.Modules;
using Lightning.Core.Tracking;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

public sealed partial class Trainer
{
    private RunContext<TBatch> Prepare<TBatch>(LightningModule<TBatch> module, LightningDataModule<TBatch> data, Stage stage,
        CancellationToken interrupt)
        where TBatch : IBatch<TBatch>
    {
        set_num_threads(_options.Threads ?? DeviceSelection.PhysicalCores());
        var device = DeviceSelection.Resolve(_options);
        var seed = _options.Seed ?? Reproducibility.GlobalSeed ?? Random.Shared.NextInt64(0, int.MaxValue);
        // Every rank must draw the same shuffles: a seed drawn here is rank 0's.
        seed = DistributedState.AgreeSeed(_group, seed);
        random.manual_seed(seed);

        PrepareOncePerNode(data);
        data.Setup(stage);
        module.to(device);
        if (_options.Precision.IsBf16) module.to(ScalarType.BFloat16);
        module.Device = device;

        // On CUDA the tensors travel over NCCL; the values ranks agree on still go over the launch's MPI group.
        var group = DeviceGroups.For(_group, device);
        var context = new RunContext<TBatch>(_options, module, data, _callbacks, _tracker, device, interrupt) { Output = _output, Group = group };
        context.Progress.Seed = seed;
        module.Trainer = context;
        module.Attach(context.TrainLog);
        context.Hooks.Setup(stage);
        return context;
    }

    // As Lightning (prepare_data_per_node): one process per node downloads or writes the data while the others wait, so
    // ranks neither write the same files at once nor each say they did. The ranks then agree on whether it worked, so a
    // failure there cannot leave the others waiting.
    private void PrepareOncePerNode<TBatch>(LightningDataModule<TBatch> data) where TBatch : IBatch<TBatch>
    {
        if (_group.WorldSize == 1)
        {
            data.PrepareData();
            return;
        }
        Exception? failure = null;
        if (_group.LocalRank == 0)
        {
            try
            {
                data.PrepareData();
            }
            catch (Exception error)
            {
                failure = error;
            }
        }
        Span<float> failed = [failure is null ? 0 : 1];
        _group.AllReduce(failed, ReduceOperation.Sum);
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        if (failed[0] > 0)
            throw new DataException($"{data.GetType().Name}.PrepareData failed on a node's first rank; that rank's output says why.");
    }

    // Lightning's teardown order: the data module, then callbacks, then the module.
    private static void TeardownAll<TBatch>(RunContext<TBatch> context, LightningDataModule<TBatch> data, Stage stage) where TBatch : IBatch<TBatch>
    {
        data.Teardown(stage);
        context.Hooks.Teardown(stage);
    }

    private static string Override<TBatch>(LightningDataModule<TBatch> data, string loader) where TBatch : IBatch<TBatch> =>
        data is ModuleLoaders<TBatch>
            ? $"override {loader}() in the module, or pass a loader or a data module to the trainer"
            : $"override {loader}()";

    private long TrainBatches<TBatch>(IBatchLoader<TBatch> train, string dataName) where TBatch : IBatch<TBatch>
    {
        if (train.BatchesPerEpoch == 0)
            throw new InvalidOperationException(
                $"The train loader of {dataName} yields no batches (no samples, or fewer samples than one batch with drop_last); " +
                "fit needs at least one.");
        var batches = _options.OverfitBatches.IsZero
            ? _options.LimitTrainBatches.Resolve(train.BatchesPerEpoch)
            : _options.OverfitBatches.Resolve(train.BatchesPerEpoch);
        if (batches == 0)
            throw new InvalidOperationException(
                $"trainer.limit_train_batches = {_options.LimitTrainBatches} leaves no batch of the train loader of {dataName} " +
                $"({train.BatchesPerEpoch} batches); fit needs at least one.");
        return batches;
    }

    // Data-parallel ranks each take their shard of every epoch (a distributed sampler); one process takes it all.
    private IBatchLoader<TBatch>? ShardOf<TBatch>(IBatchLoader<TBatch>? loader, string kind, string dataName) where TBatch : IBatch<TBatch>
    {
        if (loader is null || _group.WorldSize == 1) return loader;
        return loader is IShardableLoader<TBatch> shardable
            ? shardable.Shard(new DistributedShard(_group.Rank, _group.WorldSize))
            : throw new InvalidOperationException(
                $"The {kind} loader of {dataName} ({loader.GetType().Name}) cannot be split across {_group.WorldSize} ranks: " +
                "return a TensorLoader or a loader that implements IShardableLoader, or set trainer.strategy to single.");
    }

    private void SanityCheck<TBatch>(RunContext<TBatch> context, IBatchLoader<TBatch> validation, long validationBatches)
        where TBatch : IBatch<TBatch>
    {
        var steps = _options.NumSanityValSteps == -1 ? validationBatches : Math.Min(_options.NumSanityValSteps, validationBatches);
        if (steps <= 0) return;
        // As in Lightning, the sanity flag is already set in on_sanity_check_start and still set in on_sanity_check_end.
        context.IsSanityChecking = true;
        try
        {
            context.Hooks.SanityCheckStart();
            // The sanity check must not change what training draws from the global generator.
            using var saved = random.get_rng_state();
            new EvaluationLoop<TBatch>(context).Run(validation, steps, LoopKind.Validation);
            random.set_rng_state(saved);
            context.Hooks.SanityCheckEnd();
        }
        finally
        {
            context.IsSanityChecking = false;
        }
    }

    private FitResult Finish<TBatch>(RunContext<TBatch> context, bool started, RunOutcome outcome, string? message, Exception? error = null)
        where TBatch : IBatch<TBatch>
    {
        context.Hooks.FitEnd();
        var status = outcome switch
        {
            RunOutcome.Finished => RunStatus.Finished,
            RunOutcome.Failed => RunStatus.Failed,
            _ => RunStatus.Killed,
        };
        // Why a finished run stopped early belongs before the tracker's closing line, not after it.
        if (outcome == RunOutcome.Finished && message is not null) _output.WriteLine(message);
        _tracker.EndRun(status, outcome == RunOutcome.Failed ? message : null);
        _tracker.Flush(TimeSpan.FromSeconds(30));
        if (started)
            _fitted = new FittedRun(context.Progress.Epoch, context.Progress.GlobalStep, status, outcome == RunOutcome.Failed ? message : null);
        return new FitResult(outcome, context.Progress.Epoch, context.Progress.GlobalStep,
            new Dictionary<string, double>(context.CallbackMetrics), message, error);
    }

    private RunStart RunStartFor<TBatch>(LightningModule<TBatch> module, long seed) where TBatch : IBatch<TBatch>
    {
        if (Run is { } given)
        {
            var withSeed = new Dictionary<string, string>(given.Params)
            {
                ["trainer/seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture)
            };
            return WithStrategy(given with { Params = withSeed });
        }
        var parameters = OptionsFlattener.ToDictionary(_options, "trainer/")
            .Concat(module.Hyperparameters.Select(p => KeyValuePair.Create("model/" + p.Key, p.Value)))
            .ToDictionary(p => p.Key, p => OptionsFlattener.FormatParam(p.Value));
        parameters["trainer/seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WithStrategy(new RunStart(null, parameters, new Dictionary<string, string>()));
    }

    // The resolved strategy and the world size, which the options alone (strategy: auto) do not tell.
    private RunStart WithStrategy(RunStart start)
    {
        var parameters = new Dictionary<string, string>(start.Params)
        {
            ["trainer/strategy"] = KeyNames.ToSnakeCase(_strategy.ToString()),
            ["world_size"] = _group.WorldSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return start with { Params = parameters };
    }

    // A checkpoint names the run that wrote it, so a resumed fit can continue that run (or link to it).
    private static ResumedRun? RunOf(Checkpoints.LoadedCheckpoint checkpoint) =>
        checkpoint.State["run"] is { } run && run["run_id"]?.GetValue<string>() is { Length: > 0 } id
            ? new ResumedRun(id, run["tracking_uri"]?.GetValue<string>() ?? "", checkpoint.Path)
            : null;

    private static TrainerOptions ApplyFastDevRun(TrainerOptions options)
    {
        if (!options.FastDevRun.IsEnabled) return options;
        var batches = BatchLimit.OfCount(options.FastDevRun.Batches);
        return options with
        {
            MaxEpochs = 1,
            MaxSteps = options.FastDevRun.Batches,
            LimitTrainBatches = batches,
            LimitValBatches = batches,
            LimitTestBatches = batches,
            LimitPredictBatches = batches,
            ValCheckInterval = BatchLimit.All,
            NumSanityValSteps = 0,
            EnableCheckpointing = false,
        };
    }
}
