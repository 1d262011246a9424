using Lightning.Core.Data;
using Lightning.Core.Tests.Support;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Data;

// One test checks torch's process-wide generator is left alone; a fit running beside it would draw from it.
[Collection(Lightning.Core.Tests.Training.GlobalStateCollection.Name)]
public sealed class LoaderTests
{
    private static readonly Tensor Inputs = arange(10, dtype: ScalarType.Float32).reshape(10, 1);
    private static readonly Tensor Targets = arange(10, dtype: ScalarType.Int64);

    private static List<long[]> Targetsof(IEnumerable<TensorBatch> batches) => batches.Select(b => b.Target.data<long>().ToArray()).ToList();

    [Theory]
    [InlineData(3, false, 4, new[] { 3, 3, 3, 1 })]
    [InlineData(3, true, 3, new[] { 3, 3, 3 })]
    [InlineData(5, false, 2, new[] { 5, 5 })]
    [InlineData(20, true, 0, new int[0])]
    public void BatchSizeAndDropLast_CutTheEpoch(int batchSize, bool dropLast, long expected, int[] sizes)
    {
        var loader = new TensorLoader(Inputs, Targets, new LoaderOptions { BatchSize = batchSize, DropLast = dropLast });
        Assert.Equal(expected, loader.BatchesPerEpoch);
        Assert.Equal(sizes, loader.Iterate(new LoaderPosition(0, 0, 1)).Select(b => (int)b.Size));
    }

    [Fact]
    public void Unshuffled_KeepsOrder() =>
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i),
            Targetsof(new TensorLoader(Inputs, Targets, new LoaderOptions { BatchSize = 4 }).Iterate(new LoaderPosition(0, 0, 1)))
                .SelectMany(x => x));

    [Fact]
    public void Shuffle_IsSeededPerEpochAndCoversEverySample()
    {
        var loader = new TensorLoader(Inputs, Targets, new LoaderOptions { BatchSize = 4, Shuffle = true });
        var first = Targetsof(loader.Iterate(new LoaderPosition(0, 0, 9))).SelectMany(x => x).ToList();
        var again = Targetsof(loader.Iterate(new LoaderPosition(0, 0, 9))).SelectMany(x => x).ToList();
        var nextEpoch = Targetsof(loader.Iterate(new LoaderPosition(1, 0, 9))).SelectMany(x => x).ToList();
        var otherSeed = Targetsof(loader.Iterate(new LoaderPosition(0, 0, 10))).SelectMany(x => x).ToList();
        Assert.Equal(first, again);
        Assert.NotEqual(first, nextEpoch);
        Assert.NotEqual(first, otherSeed);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), first.Order());
    }

    [Fact]
    public void Shuffle_LeavesTheGlobalGeneratorAlone()
    {
        random.manual_seed(3);
        var expected = rand(3);
        random.manual_seed(3);
        _ = new TensorLoader(Inputs, Targets, new LoaderOptions { BatchSize = 4, Shuffle = true }).Iterate(new LoaderPosition(0, 0, 9)).ToList();
        Assert.True(Tensors.Bitwise(expected, rand(3)));
    }

    [Fact]
    public void Skip_ResumesWithTheSameBatches()
    {
        var loader = new TensorLoader(Inputs, Targets, new LoaderOptions { BatchSize = 3, Shuffle = true });
        var all = Targetsof(loader.Iterate(new LoaderPosition(2, 0, 5)));
        Assert.Equal(all.Skip(2), Targetsof(loader.Iterate(new LoaderPosition(2, 2, 5))));
    }

    [Fact]
    public void DisallowedShuffle_KeepsOrder()
    {
        var loader = new TensorLoader(Inputs, Targets, new LoaderOptions { BatchSize = 5, Shuffle = true });
        Assert.Equal([0L, 1, 2, 3, 4], Targetsof(loader.Iterate(new LoaderPosition(0, 0, 5) { AllowShuffle = false }))[0]);
    }

    [Fact]
    public void Prefetching_YieldsWhatTheInMemoryLoaderYields()
    {
        var options = new LoaderOptions { BatchSize = 3, Shuffle = true };
        var memory = Targetsof(new TensorLoader(Inputs, Targets, options).Iterate(new LoaderPosition(1, 1, 4)));
        var prefetching = new PrefetchingLoader<long, TensorBatch>(new Range(10), Collate, options with { NumWorkers = 1, PrefetchFactor = 2 });
        Assert.Equal(memory, Targetsof(prefetching.Iterate(new LoaderPosition(1, 1, 4))));
        Assert.Equal(4, prefetching.BatchesPerEpoch);
    }

    [Fact]
    public void Prefetching_SurfacesDatasetErrors()
    {
        var loader = new PrefetchingLoader<long, TensorBatch>(new Range(10, failAt: 5), Collate, new LoaderOptions { BatchSize = 2 });
        // The loader names the data set and the sample around the data set's own message (exit 2, like any data error).
        var error = Assert.Throws<DataException>(() => loader.Iterate(new LoaderPosition(0, 0, 1)).ToList());
        Assert.StartsWith("Range could not read sample 5: sample 5 is unreadable", error.Message);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public void Prefetching_StopsItsThreadWhenTheConsumerStops()
    {
        var dataset = new Range(1000);
        var loader = new PrefetchingLoader<long, TensorBatch>(dataset, Collate, new LoaderOptions { BatchSize = 1, NumWorkers = 1 });
        Assert.Single(loader.Iterate(new LoaderPosition(0, 0, 1)).Take(1));
        var producer = Assert.IsType<Thread>(dataset.Reader);
        // Stopping drains the queue: a producer that was not stopped refills it and then blocks on it for ever, so its
        // thread stays alive. (Counting reads alone cannot tell: the bounded queue caps them either way.)
        Assert.True(SpinWait.SpinUntil(() => !producer.IsAlive, TimeSpan.FromSeconds(30)),
            "The producer thread still runs after the consumer stopped.");
        Assert.InRange(dataset.Reads, 1, 10);
    }

    private static TensorBatch Collate(IReadOnlyList<long> items) =>
        // Shaped at creation: a reshaped unreferenced temporary can be finalized on a worker thread mid-call.
        new(tensor(items.Select(i => (float)i).ToArray(), [items.Count, 1]), tensor(items.ToArray()));

    private sealed class Range(long count, long failAt = -1) : IDataset<long>
    {
        private int _reads;
        public int Reads => _reads;
        /// <summary>The last thread that read a sample: the loader's producer.</summary>
        public Thread? Reader { get; private set; }
        public long Count => count;

        public long Get(long index)
        {
            Interlocked.Increment(ref _reads);
            Reader = Thread.CurrentThread;
            return index == failAt ? throw new InvalidDataException($"sample {index} is unreadable") : index;
        }
    }
}
