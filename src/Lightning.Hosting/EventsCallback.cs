using System.Text.Json.Nodes;
using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace Lightning.Hosting;

/// <summary>
/// Writes the <see cref="RunStarted"/>, <see cref="EpochEnded"/> and <see cref="CheckpointSaved"/> events, and stores
/// the resolved config as an artifact.
/// </summary>
internal sealed class EventsCallback(EventsFile events, string configYaml) : Callback
{
    public override void OnFitStart(ITrainerView trainer)
    {
        events.Write(new RunStarted(trainer.Tracker.RunId, trainer.Tracker.TrackingUri));
        Directory.CreateDirectory(trainer.RunDirectory);
        var configPath = Path.Combine(trainer.RunDirectory, "config.yaml");
        File.WriteAllText(configPath, configYaml);
        trainer.Tracker.LogArtifact(configPath, "config.yaml");
        var summaryPath = Path.Combine(trainer.RunDirectory, "model_summary.txt");
        File.WriteAllText(summaryPath, ModelSummary.Describe(trainer.Module));
        trainer.Tracker.LogArtifact(summaryPath, "model_summary.txt");
    }

    private bool _validated;

    public override void OnValidationEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics)
    {
        if (!trainer.IsSanityChecking && trainer.Loop == LoopKind.Validation) _validated = true;
    }

    public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics) =>
        events.Write(new EpochEnded(trainer.CurrentEpoch, trainer.GlobalStep, trainer.CallbackMetrics, _validated));

    // Kept in checkpoints, so a resumed run still knows that validation has run before.
    public override string StateKey => "Events";

    public override JsonNode? StateDict() => new JsonObject { ["validated"] = _validated };

    public override void LoadStateDict(JsonNode state) => _validated = state["validated"]?.GetValue<bool>() ?? false;

    public override void OnCheckpointSaved(ITrainerView trainer, string path, double? score) => events.Write(new CheckpointSaved(path, score));

    public static BestCheckpoint Best(IEnumerable<Callback> callbacks) =>
        callbacks.OfType<ModelCheckpoint>().FirstOrDefault() is { } checkpoint
            ? new BestCheckpoint(checkpoint.BestModelPath, checkpoint.Options.Monitor, checkpoint.BestModelScore)
            : BestCheckpoint.None;
}
