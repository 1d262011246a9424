using Lightning.Core.Callbacks;
using Lightning.Core.Configuration;
using Lightning.Core.Distributed;
using Lightning.Core.Training;

namespace Lightning.Core.Tests.Training;

/// <summary>What strategy: auto means for how the process was launched, and what a rank other than 0 leaves out.</summary>
public sealed class StrategySelectionTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData(TrainingStrategy.Auto, "2", TrainingStrategy.Ddp)]
    [InlineData(TrainingStrategy.Auto, "1", TrainingStrategy.Single)]
    [InlineData(TrainingStrategy.Single, "2", TrainingStrategy.Single)]
    [InlineData(TrainingStrategy.Ddp, "1", TrainingStrategy.Ddp)]
    public void Resolve_UnderOpenMpi_FollowsTheWorldSizeOnlyForAuto(TrainingStrategy given, string size, TrainingStrategy expected) =>
        Assert.Equal(expected, StrategySelection.Resolve(given, Environment(("OMPI_COMM_WORLD_RANK", "0"), ("OMPI_COMM_WORLD_SIZE", size))));

    [Fact]
    public void Resolve_AutoWithoutALauncher_IsSingle() =>
        Assert.Equal(TrainingStrategy.Single, StrategySelection.Resolve(TrainingStrategy.Auto, Environment()));

    [Theory]
    [InlineData("auto", 1, 1)]
    [InlineData("2", 1, 2)]
    [InlineData("2", 2, 4)]
    public void CheckWorldSize_DevicesTimesNodesMatchTheLaunch_Passes(string devices, int nodes, int world) =>
        StrategySelection.CheckWorldSize(Options(devices, nodes), new WorldOf(world, nodes));

    [Fact]
    public void CheckWorldSize_NumNodesAboveTheNodesTheLauncherUsed_IsAConfigErrorNamingBoth()
    {
        var error = Assert.Throws<LightningConfigException>(() => StrategySelection.CheckWorldSize(Options("auto", 2), new WorldOf(2, nodes: 1)));
        Assert.Contains("the launcher started the 2 processes on 1 node: make the two agree.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckWorldSize_LauncherStartedAnotherCount_IsAConfigErrorNamingBoth()
    {
        var error = Assert.Throws<LightningConfigException>(() => StrategySelection.CheckWorldSize(Options("2", 1), new WorldOf(3)));
        Assert.Contains("devices 2 x num_nodes 1 = 2 processes, but the launcher started 3 processes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto", true, 1)]
    [InlineData(" 3 ", false, 3)]
    public void DeviceCount_Parses_AutoOrACount(string text, bool auto, int perNode)
    {
        var count = DeviceCount.Parse(text, null);
        Assert.Equal((auto, perNode), (count.IsAuto, count.PerNode));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    public void DeviceCount_NotAutoOrAPositiveCount_DoesNotParse(string text) => Assert.False(DeviceCount.TryParse(text, null, out _));

    [Fact]
    public void Validate_SingleStrategyOnTwoDevices_IsAnError()
    {
        var errors = new ConfigErrors("trainer");
        (Options("2", 1) with { Strategy = TrainingStrategy.Single }).Validate(errors);
        Assert.Throws<LightningConfigException>(errors.ThrowIfAny);
    }

    private static TrainerOptions Options(string devices, int nodes) => new() { Devices = DeviceCount.Parse(devices, null), NumNodes = nodes };

    // A group that tells its size, and as the sum of the ranks first on their node, the nodes it spans.
    private sealed unsafe class WorldOf(int size, int nodes = 1) : IProcessGroup
    {
        public int Rank => 0;
        public int LocalRank => 0;
        public int WorldSize => size;
        public TorchSharp.DeviceType Device => TorchSharp.DeviceType.CPU;
        public void AllReduce(nint buffer, long count, ReduceOperation operation) => *(float*)buffer = nodes;

        public void AllReduceFloat64(nint buffer, long count, ReduceOperation operation) => throw new NotSupportedException();
        public void Broadcast(nint buffer, long byteCount, int root) => throw new NotSupportedException();
        public void Barrier() => throw new NotSupportedException();
        public void Abort(int exitCode) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    [Fact]
    public void Arrange_OnARankOtherThanZero_LeavesOutProgressAndSummaryEvenWhenGiven()
    {
        var callbacks = DefaultCallbacks.Arrange([new ModelSummary(TextWriter.Null)], new TrainerOptions(), TextWriter.Null, globalZero: false);
        Assert.DoesNotContain(callbacks, c => c is ProgressBar or ModelSummary);
        Assert.Contains(callbacks, c => c is ModelCheckpoint);
    }
}
