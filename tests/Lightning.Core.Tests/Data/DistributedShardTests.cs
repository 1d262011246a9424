using Lightning.Core.Data;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Data;

/// <summary>The distributed sampler: each rank's share of an epoch, as torch's DistributedSampler with drop_last=False.</summary>
public sealed class DistributedShardTests
{
    private static readonly Tensor Inputs = arange(5, dtype: ScalarType.Float32).reshape(5, 1);
    private static readonly Tensor Targets = arange(5, dtype: ScalarType.Int64);

    private static List<long[]> TargetsOf(IBatchLoader<TensorBatch> loader, LoaderPosition position) =>
        [.. loader.Iterate(position).Select(b => b.Target.data<long>().ToArray())];

    [Fact]
    public void Shard_TwoRanksOfFiveUnshuffledSamples_TakeEverySecondIndexPaddedByWrappingToTheFirst()
    {
        var loader = new TensorLoader(Inputs, Targets, new LoaderOptions { BatchSize = 2 });
        var rank0 = loader.Shard(new DistributedShard(0, 2));
        var rank1 = loader.Shard(new DistributedShard(1, 2));
        Assert.Equal(2, rank0.BatchesPerEpoch);
        Assert.Equal(2, rank1.BatchesPerEpoch);
        var position = new LoaderPosition(0, 0, 1);
        Assert.Equal([[0L, 2], [4]], TargetsOf(rank0, position));
        Assert.Equal([[1L, 3], [0]], TargetsOf(rank1, position));
    }

    [Fact]
    public void Shard_ShuffledEpochs_InterleaveToTheWholeLoadersPermutationOfThatEpoch()
    {
        var inputs = arange(12, dtype: ScalarType.Float32).reshape(12, 1);
        var targets = arange(12, dtype: ScalarType.Int64);
        var whole = new TensorLoader(inputs, targets, new LoaderOptions { BatchSize = 12, Shuffle = true });
        var sharded = new TensorLoader(inputs, targets, new LoaderOptions { BatchSize = 2, Shuffle = true });
        foreach (var epoch in new[] { 0, 3 })
        {
            var position = new LoaderPosition(epoch, 0, 5);
            var order = TargetsOf(whole, position).Single();
            var ranks = Enumerable.Range(0, 3)
                .Select(r => TargetsOf(sharded.Shard(new DistributedShard(r, 3)), position).SelectMany(b => b).ToArray())
                .ToArray();
            Assert.Equal(order, Enumerable.Range(0, 12).Select(i => ranks[i % 3][i / 3]));
        }
    }

    [Fact]
    public void Shard_ResumedMidEpoch_SkipsThatRanksFinishedBatches()
    {
        var rank1 = new TensorLoader(Inputs, Targets, new LoaderOptions { BatchSize = 2 }).Shard(new DistributedShard(1, 2));
        Assert.Equal([[0L]], TargetsOf(rank1, new LoaderPosition(0, 1, 1)));
    }

    [Fact]
    public void Shard_PrefetchingLoader_TakesTheSameSamplesAsTheTensorLoader()
    {
        var prefetching = new PrefetchingLoader<long, TensorBatch>(new Indices(5), Collate, new LoaderOptions { BatchSize = 2, Shuffle = true });
        var tensors = new TensorLoader(Inputs, Targets, new LoaderOptions { BatchSize = 2, Shuffle = true });
        var position = new LoaderPosition(1, 0, 4);
        for (var rank = 0; rank < 2; rank++)
        {
            var shard = new DistributedShard(rank, 2);
            Assert.Equal(2, prefetching.Shard(shard).BatchesPerEpoch);
            Assert.Equal(TargetsOf(tensors.Shard(shard), position), TargetsOf(prefetching.Shard(shard), position));
        }
    }

    private static TensorBatch Collate(IReadOnlyList<long> items) =>
        new(tensor(items.Select(i => (float)i).ToArray()).reshape(-1, 1), tensor(items.ToArray()));

    private sealed class Indices(long count) : IDataset<long>
    {
        public long Count => count;
        public long Get(long index) => index;
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(-1, 2)]
    [InlineData(0, 0)]
    public void Shard_RankOutsideTheWorld_IsRejected(int rank, int worldSize) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new TensorLoader(Inputs, Targets, new LoaderOptions()).Shard(new DistributedShard(rank, worldSize)));
}
