using System.Runtime.InteropServices;
using Lightning.Core.Distributed;
using Lightning.Core.Logging;
using Lightning.Core.Metrics;
using Lightning.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Metrics;

/// <summary>
/// Values under data-parallel training: a metric object's states are summed over the ranks before it computes, and a
/// step value logged with SyncDist is the mean over the ranks.
/// </summary>
public sealed class MetricAllReduceTests
{
    [Fact]
    public void AllReduceStates_OtherRankSawOtherBatches_ComputesOverBoth()
    {
        using var accuracy = new Accuracy(ClassificationTask.Multiclass, 3);
        using var scope = NewDisposeScope();
        // This rank: 2 samples, 1 right. The other rank (its counts below): 2 samples, both right.
        accuracy.Update(tensor(new float[,] { { 5, 0, 0 }, { 5, 0, 0 } }), tensor(new long[] { 0, 1 }));
        double[] theirTruePositives = [1, 1, 0], theirPredicted = [1, 1, 0], theirActual = [1, 1, 0];
        var group = new OtherRank([[3], theirTruePositives, theirPredicted, theirActual]);
        accuracy.AllReduceStates(group);
        Assert.Equal(0.75, accuracy.Compute(), 12);
    }

    [Fact]
    public void AllReduceStates_OtherRankNeverUpdatedIt_IsAnErrorOnEveryRankInsteadOfAHang()
    {
        using var accuracy = new Accuracy(ClassificationTask.Multiclass, 3);
        using var scope = NewDisposeScope();
        accuracy.Update(tensor(new float[,] { { 5, 0, 0 } }), tensor(new long[] { 0 }));
        var group = new OtherRank([[0]]);
        var error = Assert.Throws<InvalidOperationException>(() => accuracy.AllReduceStates(group));
        Assert.StartsWith("Accuracy holds 3 state tensors on rank 0 but not the same on every rank", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadStep_AValueLoggedWithSyncDist_IsTheMeanOverTheRanks_OthersStayThisRanks()
    {
        using var scope = NewDisposeScope();
        using var log = new MetricLog { Group = new OtherRank([[4.0]]) };
        log.BeginLoop(LoopKind.Train);
        log.BeginBatch(4, captureStep: true);
        log.Log("train_loss", tensor(2.0f), new LogOptions(SyncDist: true));
        log.Log("grad_norm", tensor(0.5f), new LogOptions());
        var step = log.ReadStep();
        Assert.Equal(3.0, step["train_loss"]);
        Assert.Equal(0.5, step["grad_norm"]);
    }

    // A stand-in for a second rank: each float64 all-reduce combines this rank's buffer with the next one that rank would send.
    private sealed class OtherRank(double[][] theirs) : IProcessGroup
    {
        private int _next;

        public int Rank => 0;
        public int LocalRank => 0;
        public int WorldSize => 2;
        public DeviceType Device => DeviceType.CPU;

        public void AllReduceFloat64(nint buffer, long count, ReduceOperation operation)
        {
            var other = theirs[_next++];
            Assert.Equal(other.Length, count);
            var values = new double[count];
            Marshal.Copy(buffer, values, 0, values.Length);
            var divisor = operation == ReduceOperation.Mean ? WorldSize : 1;
            Marshal.Copy([.. values.Zip(other, (a, b) => (a + b) / divisor)], 0, buffer, values.Length);
        }

        public void AllReduce(nint buffer, long count, ReduceOperation operation) => throw new NotSupportedException();

        public void Broadcast(nint buffer, long byteCount, int root) => throw new NotSupportedException();

        public void Barrier() => throw new NotSupportedException();

        public void Abort(int exitCode) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
