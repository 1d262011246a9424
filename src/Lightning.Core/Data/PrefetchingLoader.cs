using System.Threading.Channels;
using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>
/// Loads batches of a custom <see cref="IDataset{TItem}"/> on a background thread, a bounded queue ahead of the
/// training step, so reading and collating overlap with compute. Order and resume follow <see cref="EpochPermutation"/>.
/// </summary>
/// <typeparam name="TItem">One sample.</typeparam>
/// <typeparam name="TBatch">The collated batch.</typeparam>
public sealed class PrefetchingLoader<TItem, TBatch> : IBatchLoader<TBatch> where TBatch : IBatch<TBatch>
{
    private readonly IDataset<TItem> _dataset;
    private readonly Func<IReadOnlyList<TItem>, TBatch> _collate;
    private readonly LoaderOptions _options;
    private readonly int _depth;
    private readonly bool _pinMemory;

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

    /// <inheritdoc />
    public long BatchesPerEpoch { get; }

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

    private void Produce(LoaderPosition position, ChannelWriter<TBatch> writer, CancellationToken stop)
    {
        try
        {
            var count = _dataset.Count;
            long[] order;
            if (_options.Shuffle && position.AllowShuffle)
            {
                using var permutation = EpochPermutation.Create(count, position);
                order = permutation.data<long>().ToArray();
            }
            else order = [];

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
