using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>
/// Loads batches of a custom <see cref="IDataset{TItem}"/> on <see cref="LoaderOptions.NumWorkers"/> worker threads,
/// up to <see cref="LoaderOptions.PrefetchFactor"/> batches per worker ahead of the training step, so reading and
/// collating overlap with compute. Batches come out in the order of <see cref="EpochPermutation"/> whatever the worker
/// count, and a resumed epoch (skipped batches) gets the same batches; samples see a <see cref="SampleContext"/>.
/// </summary>
/// <typeparam name="TItem">One sample.</typeparam>
/// <typeparam name="TBatch">The collated batch.</typeparam>
public sealed class PrefetchingLoader<TItem, TBatch> : IShardableLoader<TBatch> where TBatch : IBatch<TBatch>
{
    private readonly IDataset<TItem> _dataset;
    private readonly Func<IReadOnlyList<TItem>, TBatch> _collate;
    private readonly LoaderOptions _options;
    private readonly bool _pinMemory;
    private readonly DistributedShard? _shard;

    /// <summary>Creates the loader.</summary>
    /// <param name="dataset">The samples; read from several threads at once.</param>
    /// <param name="collate">Stacks samples into one batch; runs on the worker threads.</param>
    /// <param name="options">Batch size, shuffle, drop-last, workers and prefetch.</param>
    /// <param name="pinMemory">Pin each batch so a CUDA copy can be asynchronous. Default false.</param>
    public PrefetchingLoader(IDataset<TItem> dataset, Func<IReadOnlyList<TItem>, TBatch> collate, LoaderOptions options, bool pinMemory = false)
    {
        options.CheckWorkers();
        _dataset = dataset;
        _collate = collate;
        _options = options;
        _pinMemory = pinMemory;
        BatchesPerEpoch = options.BatchesFor(dataset.Count);
    }

    private PrefetchingLoader(PrefetchingLoader<TItem, TBatch> whole, DistributedShard shard)
        : this(whole._dataset, whole._collate, whole._options, whole._pinMemory)
    {
        shard.Check();
        _shard = shard;
        BatchesPerEpoch = _options.BatchesFor(shard.SamplesOf(_dataset.Count));
    }

    /// <inheritdoc />
    public long BatchesPerEpoch { get; }

    /// <inheritdoc />
    public IBatchLoader<TBatch> Shard(DistributedShard shard) =>
        _shard is null
            ? new PrefetchingLoader<TItem, TBatch>(this, shard)
            : throw new InvalidOperationException("This loader is already one rank's shard.");

    /// <inheritdoc />
    public IEnumerable<TBatch> Iterate(LoaderPosition position)
    {
        var (count, order) = Order(position);
        var batches = OrderedWorkers<long, TBatch>.Run(position.Skip, BatchesPerEpoch, _options.NumWorkers, _options.PrefetchFactor,
            batch => batch, (batch, stop) => Build(batch, count, order, position, stop));
        // The training loop is synchronous on one thread (dispose scopes are thread-static), so it takes batches here.
        foreach (var batch in batches) yield return batch;
    }

    // The samples of this epoch (this rank's when sharded) and their indices; no indices for the plain order of the whole set.
    private (long Count, long[] Order) Order(LoaderPosition position)
    {
        var count = _dataset.Count;
        using var permutation = _options.Shuffle && position.AllowShuffle ? EpochPermutation.Create(count, position) : null;
        if (_shard is not null)
        {
            using var indices = _shard.Indices(permutation, count, CPU);
            return (_shard.SamplesOf(count), indices.data<long>().ToArray());
        }
        return (count, permutation is null ? [] : permutation.data<long>().ToArray());
    }

    private TBatch Build(long batch, long count, long[] order, LoaderPosition position, CancellationToken stop)
    {
        var start = batch * _options.BatchSize;
        var length = (int)Math.Min(_options.BatchSize, count - start);
        var items = new TItem[length];
        for (var i = 0; i < length; i++)
        {
            stop.ThrowIfCancellationRequested();
            var index = order.Length > 0 ? order[start + i] : start + i;
            items[i] = Read(index, new SampleContext(index, position.Epoch, position.Seed));
        }
        var collated = _collate(items);
        if (!_pinMemory) return collated;
        var pinned = collated.PinMemory();
        collated.Dispose();
        return pinned;
    }

    // A failing sample stops the epoch with one error naming the data set, the index and the file when the data set knows it.
    private TItem Read(long index, SampleContext context)
    {
        try
        {
            return _dataset.Get(index, context);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            var source = _dataset.SourceOf(index);
            // A data set whose own message names the file (the image decoder's does) does not get it said twice.
            var where = source is null || error.Message.Contains(source, StringComparison.Ordinal) ? "" : $" ({source})";
            throw new DataException($"{DataSetNames.Of(_dataset)} could not read sample {index}{where}: {error.Message}", error);
        }
    }
}
