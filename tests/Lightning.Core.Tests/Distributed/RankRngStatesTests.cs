using System.Text.Json.Nodes;
using Lightning.Core.Distributed;
using Lightning.Core.Training;

namespace Lightning.Core.Tests.Distributed;

/// <summary>What a resume says when the checkpoint's world size is not the run's (the per-rank states then do not fit).</summary>
public sealed class RankRngStatesTests
{
    [Fact]
    public void Restore_CheckpointOfTwoRanksInOneProcess_WarnsThatTheDataOrderDiffers()
    {
        var section = new JsonObject { ["world_size"] = 2, ["rng_states"] = new JsonArray("AA==", "AQ==") };
        var warning = RankRngStates.Restore(section, new SingleProcessGroup());
        Assert.NotNull(warning);
        Assert.Contains("saved by 2 ranks and this run has 1", warning, StringComparison.Ordinal);
        Assert.Contains("data order", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_SingleProcessCheckpointInOneProcess_SaysNothing() =>
        Assert.Null(RankRngStates.Restore(null, new SingleProcessGroup()));
}
