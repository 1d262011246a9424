using System.Runtime.InteropServices;
using Lightning.Core.Distributed;
using Lightning.Core.Logging;
using TorchSharp;

namespace Lightning.Core.Tests.Distributed;

/// <summary>Epoch values of several ranks: the sums and batch-size weights of all ranks, matched by name.</summary>
public sealed class EpochReductionTests
{
    [Fact]
    public void AcrossRanks_OtherRankLoggedInAnotherOrder_SumsEachNamesSumAndWeight()
    {
        // The other rank's buffer, in ordinal name order: a = (10, 4), b = (1, 2).
        var group = new OtherRank([10, 4, 1, 2]);
        var mine = new Dictionary<string, (double Sum, double Weight)> { ["b"] = (3, 2), ["a"] = (2, 4) };
        var reduced = EpochReduction.AcrossRanks(group, mine);
        Assert.Equal(["b", "a"], reduced.Keys);
        Assert.Equal((4d, 4d), reduced["b"]);
        Assert.Equal((12d, 8d), reduced["a"]);
    }

    [Fact]
    public void AcrossRanks_AWeightPast2To24_StaysExact()
    {
        // 2^24 + 1 samples: float32 would round the weight to 2^24.
        var group = new OtherRank([0, 1]);
        var reduced = EpochReduction.AcrossRanks(group, new Dictionary<string, (double Sum, double Weight)> { ["a"] = (3, 16_777_216) });
        Assert.Equal((3d, 16_777_217d), reduced["a"]);
    }

    // A stand-in for a second rank: an all-reduce adds the values that rank would send.
    private sealed class OtherRank(double[] theirs) : IProcessGroup
    {
        public int Rank => 0;
        public int LocalRank => 0;
        public int WorldSize => 2;
        public DeviceType Device => DeviceType.CPU;

        public void AllReduce(nint buffer, long count, ReduceOperation operation) => throw new NotSupportedException();

        public void AllReduceFloat64(nint buffer, long count, ReduceOperation operation)
        {
            Assert.Equal(ReduceOperation.Sum, operation);
            Assert.Equal(theirs.Length, count);
            var values = new double[count];
            Marshal.Copy(buffer, values, 0, values.Length);
            Marshal.Copy([.. values.Zip(theirs, (a, b) => a + b)], 0, buffer, values.Length);
        }

        public void Broadcast(nint buffer, long byteCount, int root) => throw new NotSupportedException();

        public void Barrier() => throw new NotSupportedException();

        public void Abort(int exitCode) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
