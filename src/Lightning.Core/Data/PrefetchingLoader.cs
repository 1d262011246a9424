using System.Threading.Channels;
using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>
/// Loads batches of a custom <see cref="IDataset{TItem}"/> on a background thread, a bounded queue ahead of the
/// training step, so reading and collating overlap with compute. Order and resume follow <see cref="EpochPermutation"/>.
/// </summary>
/// <typeparam name="TItem">One sample.</typeparam>
/// <typeparam name="TBatch">The collated batch.</typeparam>
public sealed class PrefetchingLoader<TItem, TBatch> : IShardableLoader<TBatch> where TBatch : IBatch<TBatch>
{
    private readonly IDataset<TItem> _dataset;
    private readonly Func<IReadOnlyList<TItem>, TBatch> _collate;
    private readonly LoaderOptions _options;
    private readonly int _depth;
    private readonly bool _pinMemory;
    private readonly DistributedShard? _shard;

    /// <summary>Creates the loader.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="collate">Stacks samples into one batch; runs on the background thread.</param>
    /// <param name="options">Batch size, shuffle, drop-last.</param>
    /// <param name="depth">Batches prepared ahead. Default 2.</param>
    /// <param name="pinMemory">Pin each batch so a CUDA copy can be asynchronous. Default false.</param>
    public PrefetchingLoader(
        IDataset<TItem> dataset, Func<IReadOnlyList<TItem>, TBatch> collate, LoaderOptions options, int depth = 2, bool pinMemory = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _dataset = dataset;
        _collate = collate;
        _options = options;
        _depth = depth;
        _pinMemory = pinMemory;
        BatchesPerEpoch = options.BatchesFor(dataset.Count);
    }

    private PrefetchingLoader(PrefetchingLoader<TItem, TBatch> whole, DistributedShard shard)
        : this(whole._dataset, whole._collate, whole._options, whole._depth, whole._pinMemory)
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
        var queue = Channel.CreateBounded<TBatch>(new BoundedChannelOptions(_depth) { SingleReader = true, SingleWriter = true });
        using var stop = new CancellationTokenSource();
        var producer = Task.Factory.StartNew(() => Produce(position, queue.Writer, stop.Token), stop.Token,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            while (true)
            {
                // The training loop is synchronous on one thread (dispose scopes are thread-static), so it waits here.
                if (!queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) break;
                while (queue.Reader.TryRead(out var batch)) yield return batch;
            }
            producer.GetAwaiter().GetResult();
        }
        finally
        {
            stop.Cancel();
            while (queue.Reader.TryRead(out var unused)) unused.Dispose();
        }
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

    private void Produce(LoaderPosition position, ChannelWriter<TBatch> writer, CancellationToken stop)
    {
        try
        {
            var (count, order) = Order(position);

            for (var batch = position.Skip; batch < BatchesPerEpoch && !stop.IsCancellationRequested; batch++)
            {
                var start = batch * _options.BatchSize;
                var length = (int)Math.Min(_options.BatchSize, count - start);
                var items = new TItem[length];
                for (var i = 0; i < length; i++) items[i] = _dataset.Get(order.Length > 0 ? order[start + i] : start + i);
                var collated = _collate(items);
                if (_pinMemory)
                {
                    var pinned = collated.PinMemory();
                    collated.Dispose();
                    collated = pinned;
                }
                if (!writer.WaitToWriteAsync(stop).AsTask().GetAwaiter().GetResult() || !writer.TryWrite(collated))
                {
                    collated.Dispose();
                    break;
                }
            }
            writer.TryComplete();
        }
        catch (OperationCanceledException)
        {
            writer.TryComplete();
        }
        catch (Exception error)
        {
            writer.TryComplete(error);
        }
    }
}
