using Lightning.Core.Distributed;
using TorchSharp;

namespace Lightning.Core.Tests.Distributed;

public sealed class SingleProcessGroupTests
{
    [Theory]
    [InlineData(ReduceOperation.Sum)]
    [InlineData(ReduceOperation.Mean)]
    public void AllReduce_OneProcess_LeavesTheBufferAsItIs(ReduceOperation operation)
    {
        using var group = new SingleProcessGroup();
        float[] values = [1.5f, -2f, 3f];
        group.AllReduce(values, operation);
        Assert.Equal([1.5f, -2f, 3f], values);
        using var tensor = torch.tensor(new[] { 4f, 5f });
        group.AllReduce(tensor, operation);
        Assert.Equal([4f, 5f], tensor.data<float>().ToArray());
    }

    [Fact]
    public void Group_OneProcess_IsRankZeroOfOne()
    {
        using var group = new SingleProcessGroup();
        Assert.Equal((0, 0, 1, DeviceType.CPU), (group.Rank, group.LocalRank, group.WorldSize, group.Device));
    }

    [Fact]
    public void BroadcastAndBarrier_OneProcess_ReturnWithTheBufferUnchanged()
    {
        using var group = new SingleProcessGroup();
        byte[] bytes = [1, 2, 3];
        group.Broadcast(bytes, root: 0);
        group.Barrier();
        Assert.Equal([1, 2, 3], bytes);
    }

    [Fact]
    public void Broadcast_RootOutsideTheGroup_IsRefused()
    {
        using var group = new SingleProcessGroup();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => group.Broadcast(new byte[1], root: 1));
        Assert.StartsWith("The root must be a rank from 0 to 0.", error.Message, StringComparison.Ordinal);
    }
}
