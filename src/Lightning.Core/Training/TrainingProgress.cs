using System.Text.Json.Nodes;

namespace Lightning.Core.Training;

/// <summary>The loop's position, saved in every checkpoint so a run resumes at the exact batch it stopped at.</summary>
internal sealed class TrainingProgress
{
    public int Epoch { get; set; }
    public long BatchInEpoch { get; set; }
    public long GlobalStep { get; set; }
    public long Seed { get; set; }

    /// <summary>A validation was due after the last trained batch but did not complete (interrupted): a resume runs it first.</summary>
    public bool ValidationPending { get; set; }

    /// <summary>Scheduler calls so far; a monitored scheduler's values are kept so a resume can replay them.</summary>
    public List<double?> SchedulerCalls { get; } = [];

    public JsonObject ToJson(int epoch, long batchInEpoch) => new()
    {
        ["epoch"] = epoch,
        ["batch_in_epoch"] = batchInEpoch,
        ["global_step"] = GlobalStep,
        ["seed"] = Seed,
        ["scheduler_calls"] = new JsonArray(SchedulerCalls.Select(Serialization.JsonNumbers.From).ToArray()),
        ["validation_pending"] = ValidationPending,
    };

    public static TrainingProgress FromJson(JsonObject json)
    {
        var progress = new TrainingProgress
        {
            Epoch = json["epoch"]!.GetValue<int>(),
            BatchInEpoch = json["batch_in_epoch"]!.GetValue<long>(),
            GlobalStep = json["global_step"]!.GetValue<long>(),
            Seed = json["seed"]!.GetValue<long>(),
            ValidationPending = json["validation_pending"]?.GetValue<bool>() ?? false,
        };
        foreach (var call in json["scheduler_calls"]?.AsArray() ?? []) progress.SchedulerCalls.Add(Serialization.JsonNumbers.Read(call));
        return progress;
    }
}
