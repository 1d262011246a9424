using Lightning.Core.Data;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Data;

public sealed class WorkerLoaderTests
{
    private static LoaderOptions Options(int workers) =>
        new() { BatchSize = 5, Shuffle = true, NumWorkers = workers, PrefetchFactor = 2 };

    private static PrefetchingLoader<float[], TensorBatch> Loader(AugmentedSamples samples, int workers) =>
        new(samples, AugmentedSamples.Collate, Options(workers));

    private static List<TensorBatch> Epoch(int workers, LoaderPosition position) =>
        Loader(new AugmentedSamples(203), workers).Iterate(position).ToList();

    private static void SameBatches(IReadOnlyList<TensorBatch> expected, IReadOnlyList<TensorBatch> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(Tensors.Bitwise(expected[i].Input, actual[i].Input), $"Batch {i}'s inputs differ.");
            Assert.True(Tensors.Bitwise(expected[i].Target, actual[i].Target), $"Batch {i}'s targets differ.");
        }
    }

    [Fact]
    public void Workers_GiveTheSameBatchesBitForBitWhateverTheirCount()
    {
        var position = new LoaderPosition(3, 0, 17);
        var one = Epoch(1, position);
        SameBatches(one, Epoch(4, position));
        SameBatches(one, Epoch(0, position));
        Assert.Equal(41, one.Count);
        // The epoch's permutation, not the index order, and augmentations that differ per sample.
        Assert.NotEqual(Enumerable.Range(0, 5).Select(i => (long)i), one[0].Target.data<long>().ToArray());
        Assert.NotEqual(one[0].Input[0, 1].item<float>(), one[0].Input[1, 1].item<float>());
    }

    [Fact]
    public void Workers_ResumeMidEpochWithTheSameBatchesAndAugmentations()
    {
        var whole = Epoch(4, new LoaderPosition(2, 0, 5));
        var resumed = Epoch(4, new LoaderPosition(2, 17, 5));
        SameBatches(whole[17..], resumed);
        // Another epoch draws other augmentations for the same sample.
        var next = Epoch(4, new LoaderPosition(3, 0, 5));
        var sample = whole.SelectMany(b => Rows(b)).First(r => r.Index == 7);
        Assert.NotEqual(sample.Noise, next.SelectMany(b => Rows(b)).First(r => r.Index == 7).Noise);
    }

    [Fact]
    public void FailingSample_StopsTheEpochNamingTheDataSetTheIndexAndTheFile()
    {
        var samples = new AugmentedSamples(400, failAt: 123);
        var error = Assert.Throws<DataException>(() => Loader(samples, 4).Iterate(new LoaderPosition(0, 0, 1)).ToList());
        Assert.Equal("AugmentedSamples could not read sample 123 (images/sample-123.png): the PNG ends early", error.Message);
        Assert.All(samples.Readers.Keys, thread => Assert.False(thread.IsAlive, $"{thread.Name} still runs after the failed epoch."));
    }

    [Fact]
    public void BreakingOff_JoinsEveryWorkerBeforeTheLoopGoesOn()
    {
        var samples = new AugmentedSamples(10_000);
        Assert.Equal(2, Loader(samples, 4).Iterate(new LoaderPosition(0, 0, 1)).Take(2).Count());
        Assert.NotEmpty(samples.Readers);
        Assert.All(samples.Readers.Keys, thread =>
        {
            Assert.StartsWith("Lightning loader worker", thread.Name);
            Assert.False(thread.IsAlive, $"{thread.Name} still runs after the consumer stopped.");
        });
        // The bounded queue stopped the workers long before the end of the epoch.
        Assert.InRange(samples.Reads, 2 * 5, (2 + 4 * 2 + 4) * 5);
    }

    [Fact]
    public void InterruptedFit_LeavesNoWorkerThreadAlive()
    {
        using var root = new TempDirectory();
        using var interrupt = new CancellationTokenSource();
        // The interrupt arrives from a worker mid-epoch, as Ctrl+C arrives from a signal thread.
        var samples = new AugmentedSamples(2_000) { AfterRead = reads => { if (reads == 300) interrupt.Cancel(); } };
        var loader = new PrefetchingLoader<float[], TensorBatch>(samples, AugmentedSamples.Collate, Options(4));
        var result = new Trainer(Quiet.Options(root.Path) with { MaxEpochs = 3 })
            .Fit(new MlpModule(inputs: 3, outputs: 2000), loader, interrupt: interrupt.Token);
        Assert.Equal(RunOutcome.Interrupted, result.Outcome);
        Assert.Equal(4, samples.Readers.Count);
        Assert.All(samples.Readers.Keys, thread => Assert.False(thread.IsAlive, $"{thread.Name} still runs after the interrupted fit."));
    }

    [Theory]
    [InlineData(-1, 2)]
    [InlineData(2, 0)]
    public void WorkerOptions_OutOfRange_AreRefused(int workers, int prefetch) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new PrefetchingLoader<float[], TensorBatch>(new AugmentedSamples(4), AugmentedSamples.Collate,
                new LoaderOptions { NumWorkers = workers, PrefetchFactor = prefetch }));

    [Fact]
    public void SampleContext_SeedsDependOnSeedEpochAndIndex()
    {
        var seeds = new[] { new SampleContext(1, 0, 0), new SampleContext(0, 1, 0), new SampleContext(0, 0, 1), new SampleContext(0, 0, 0) }
            .Select(c => c.RandomSeed).ToHashSet();
        Assert.Equal(4, seeds.Count);
        Assert.Equal(new SampleContext(5, 2, 9).CreateRandom().Next(), new SampleContext(5, 2, 9).CreateRandom().Next());
    }

    private static IEnumerable<(long Index, float Noise)> Rows(TensorBatch batch)
    {
        var values = batch.Input.data<float>().ToArray();
        for (var i = 0; i < values.Length; i += 3) yield return ((long)values[i], values[i + 1]);
    }
}
