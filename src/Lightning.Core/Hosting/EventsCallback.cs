using System.Text.Json.Nodes;
using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace Lightning.Core.Hosting;

/// <summary>Writes run_started, epoch_end and checkpoint events, and stores the resolved config as an artifact.</summary>
internal sealed class EventsCallback(EventsFile events, string configYaml) : Callback
{
    public override void OnFitStart(ITrainerView trainer)
    {
        events.RunStarted(trainer.Tracker.RunId, trainer.Tracker.TrackingUri);
        Directory.CreateDirectory(trainer.RunDirectory);
        var configPath = Path.Combine(trainer.RunDirectory, "config.yaml");
        File.WriteAllText(configPath, configYaml);
        trainer.Tracker.LogArtifact(configPath, "config.yaml");
        var summaryPath = Path.Combine(trainer.RunDirectory, "model_summary.txt");
        File.WriteAllText(summaryPath, ModelSummary.Describe(trainer.Module));
        trainer.Tracker.LogArtifact(summaryPath, "model_summary.txt");
    }

    public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics) =>
        events.EpochEnd(trainer.CurrentEpoch, trainer.GlobalStep, trainer.CallbackMetrics);

    public override void OnCheckpointSaved(ITrainerView trainer, string path, double? score) => events.Checkpoint(path, score);

    public static JsonObject Best(IEnumerable<Callback> callbacks)
    {
        var checkpoint = callbacks.OfType<ModelCheckpoint>().FirstOrDefault();
        return new JsonObject
        {
            ["checkpoint"] = checkpoint?.BestModelPath,
            ["monitor"] = checkpoint?.Options.Monitor,
            ["score"] = Checkpoints.JsonNumbers.From(checkpoint?.BestModelScore),
        };
    }
}
