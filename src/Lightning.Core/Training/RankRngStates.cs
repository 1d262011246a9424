using System.Text.Json.Nodes;
using Lightning.Core.Distributed;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// Every rank's CPU generator state in a data-parallel checkpoint (its <c>distributed</c> section), so a resume on the
/// same world size gives each rank back its own: ranks draw differently once anything random depends on the rank.
/// </summary>
internal static class RankRngStates
{
    /// <summary>The section's key in the checkpoint's state.</summary>
    public const string Key = "distributed";

    /// <summary>
    /// Collective: every rank's generator state, on rank 0 (the other ranks get null), each rank's sent by a broadcast
    /// from it. Null for a single process, whose state the checkpoint already holds.
    /// </summary>
    public static JsonObject? Gather(IProcessGroup group)
    {
        if (group.WorldSize == 1) return null;
        using var own = random.get_rng_state();
        var mine = own.data<byte>().ToArray();
        var states = new JsonArray();
        for (var rank = 0; rank < group.WorldSize; rank++)
        {
            // CPU generator states have one size (mt19937 and its counters) on every rank of one libtorch.
            var bytes = rank == group.Rank ? mine : new byte[mine.Length];
            group.Broadcast(bytes, root: rank);
            states.Add(Convert.ToBase64String(bytes));
        }
        return group.Rank == 0 ? new JsonObject { ["world_size"] = group.WorldSize, ["rng_states"] = states } : null;
    }

    /// <summary>
    /// Sets this rank's generator from <paramref name="section"/> when it was saved by as many ranks; otherwise leaves
    /// the state rank 0 saved (already restored) and returns a warning to show, or null when there is nothing to say.
    /// </summary>
    public static string? Restore(JsonNode? section, IProcessGroup group)
    {
        var saved = section?["world_size"]?.GetValue<int>() ?? 1;
        if (saved != group.WorldSize)
            return $"The checkpoint was saved by {Ranks(saved)} and this run has {group.WorldSize}: it resumes at the saved step, " +
                   "but the data order (each rank's shard) and random draws differ from an uninterrupted run.";
        if (section?["rng_states"]?[group.Rank]?.GetValue<string>() is not { } state) return null;
        using var rng = tensor(Convert.FromBase64String(state), ScalarType.Byte);
        random.set_rng_state(rng);
        return null;
    }

    private static string Ranks(int count) => count == 1 ? "1 rank" : $"{count} ranks";
}
