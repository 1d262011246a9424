using System.Text.Json.Nodes;
using Lightning.Core.Checkpoints;
using Lightning.Core.Serialization;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Lightning.Core.Training;

/// <summary>Turns a run's state into a checkpoint and back, so a resumed run continues bit for bit.</summary>
internal sealed class CheckpointIO<TBatch>(RunContext<TBatch> context) where TBatch : IBatch<TBatch>
{
    /// <summary>Writes weights, optimizer, loop position, RNG, metrics and callback state to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        // A collective save: every rank reaches it at the same step (their stop and save decisions agree), rank 0 writes,
        // and none goes on before the file is complete, so last.ckpt is always a state all ranks passed through.
        var rngStates = RankRngStates.Gather(context.Group);
        if (context.Group.Rank == 0) Write(path, rngStates);
        context.Group.Barrier();
    }

    private void Write(string path, JsonObject? rngStates)
    {
        var progress = context.Progress;
        var module = context.Module;
        var (epoch, batch) = context.AtEpochEnd ? (progress.Epoch + 1, 0L) : (progress.Epoch, progress.BatchInEpoch);
        var state = new JsonObject
        {
            ["format"] = CheckpointFile.Format,
            ["format_version"] = CheckpointFile.FormatVersion,
            ["progress"] = progress.ToJson(epoch, batch),
            ["train_epoch_sums"] = context.AtEpochEnd ? new JsonObject() : SumsToJson(context.TrainLog.EpochSums()),
            ["callback_metrics"] = new JsonObject(context.CallbackMetrics.Select(m => KeyValuePair.Create(m.Key, JsonNumbers.From(m.Value)))),
            ["callbacks"] = new JsonObject(context.Callbacks.Select(c => KeyValuePair.Create(c.StateKey, c.StateDict()))),
            ["datamodule"] = context.Data.StateDict(),
            ["hyper_parameters"] = OptionsFlattener.ToJson(module.Hyperparameters),
            ["module"] = new JsonObject(),
            ["versions"] = VersionInfo.ToJson(),
            ["run"] = new JsonObject { ["run_id"] = context.Tracker.RunId, ["tracking_uri"] = context.Tracker.TrackingUri },
        };
        if (rngStates is not null) state[RankRngStates.Key] = rngStates;
        module.OnSaveCheckpoint(state["module"]!.AsObject());
        using var scope = NewDisposeScope();
        var rng = random.get_rng_state();
        CheckpointFile.Write(path, new CheckpointContents(
            module.state_dict(), OptimizerBytes(context.Optimizer), rng.data<byte>().ToArray(), state));
    }

    /// <summary>Restores weights, optimizer, scheduler, RNG, loop position and callback state from <paramref name="checkpoint"/>.</summary>
    public void Restore(LoadedCheckpoint checkpoint, bool training)
    {
        var module = context.Module;
        checkpoint.LoadWeightsInto(module);
        if (!training) return;
        context.Progress = TrainingProgress.FromJson(checkpoint.State["progress"]!.AsObject());
        if (context.Optimization is { } optimization)
        {
            ReplayScheduler(optimization);
            LoadOptimizer(checkpoint, optimization.Optimizer);
        }
        if (checkpoint.RngState.Length > 0)
        {
            using var rng = tensor(checkpoint.RngState, ScalarType.Byte);
            random.set_rng_state(rng);
        }
        if (RankRngStates.Restore(checkpoint.State[RankRngStates.Key], context.Group) is { } warning) context.Output.WriteLine(warning);
        foreach (var (name, value) in checkpoint.State["callback_metrics"]?.AsObject() ?? [])
            context.SetCallbackMetric(name, JsonNumbers.Read(value) ?? double.NaN);
        context.TrainLog.RestoreEpochSums((checkpoint.State["train_epoch_sums"]?.AsObject() ?? [])
            .ToDictionary(p => p.Key, p => (JsonNumbers.Read(p.Value![0]) ?? double.NaN, JsonNumbers.Read(p.Value![1]) ?? 0)));
        var states = checkpoint.State["callbacks"]?.AsObject() ?? [];
        foreach (var callback in context.Callbacks)
            if (states[callback.StateKey] is { } saved) callback.LoadStateDict(saved);
        if (checkpoint.State["datamodule"] is { } dataState) context.Data.LoadStateDict(dataState);
        module.OnLoadCheckpoint(checkpoint.State["module"]?.AsObject() ?? []);
    }

    // TorchSharp schedulers have no state dict; replaying the recorded calls rebuilds their state exactly.
    private void ReplayScheduler(OptimizerSetup optimization)
    {
        if (optimization.Scheduler is not { } setup) return;
        foreach (var call in context.Progress.SchedulerCalls)
        {
            if (call is { } value) setup.Scheduler.step(value);
            else setup.Scheduler.step();
        }
    }

    private static byte[]? OptimizerBytes(Optimizer? optimizer)
    {
        if (optimizer is not OptimizerHelper helper) return null;
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) helper.save_state_dict(writer);
        return stream.ToArray();
    }

    private static void LoadOptimizer(LoadedCheckpoint checkpoint, Optimizer optimizer)
    {
        if (checkpoint.OptimizerState is null || optimizer is not OptimizerHelper helper) return;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(checkpoint.OptimizerState));
            helper.load_state_dict(reader);
        }
        catch (Exception error) when (error is not CheckpointException)
        {
            throw new CheckpointException(
                $"Checkpoint '{checkpoint.Path}' has optimizer state that does not fit {optimizer.GetType().Name} ({error.Message}). " +
                "Was the optimizer changed since it was saved?", error);
        }
    }

    private static JsonObject SumsToJson(Dictionary<string, (double Sum, double Weight)> sums) =>
        new(sums.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)new JsonArray(JsonNumbers.From(s.Value.Sum), JsonNumbers.From(s.Value.Weight)))));
}
