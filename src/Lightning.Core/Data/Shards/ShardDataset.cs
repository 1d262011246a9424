using static TorchSharp.torch;

namespace Lightning.Core.Data.Shards;

/// <summary>
/// A data set larger than memory, as memory-mapped <c>.npy</c> shards: input shards and target shards with the same
/// rows (e.g. <c>x-000.npy</c> float32 [N, 3, 32, 32] beside <c>y-000.npy</c> int64 [N]). Give it to a
/// <see cref="PrefetchingLoader{TItem,TBatch}"/> with <see cref="Collate"/>; RSS stays flat over any number of epochs.
/// </summary>
public sealed class ShardDataset : IDataset<ShardSample>, IDisposable
{
    private readonly NpyShardSet _inputs;
    private readonly NpyShardSet _targets;

    /// <summary>Maps the shards; inputs and targets must hold the same number of rows.</summary>
    /// <exception cref="DataException">A shard is missing or unreadable, or the row counts differ.</exception>
    public ShardDataset(IReadOnlyList<string> inputShards, IReadOnlyList<string> targetShards)
    {
        _inputs = new NpyShardSet(inputShards);
        try
        {
            _targets = new NpyShardSet(targetShards);
        }
        catch
        {
            _inputs.Dispose();
            throw;
        }
        if (_inputs.Count == _targets.Count) return;
        Dispose();
        throw new DataException($"The input shards hold {_inputs.Count} rows but the target shards hold {_targets.Count}; they must match.");
    }

    /// <inheritdoc />
    public long Count => _inputs.Count;

    /// <inheritdoc />
    public ShardSample Get(long index)
    {
        var sample = new ShardSample(new byte[_inputs.RowBytes], new byte[_targets.RowBytes]);
        _inputs.ReadRow(index, sample.Input);
        _targets.ReadRow(index, sample.Target);
        return sample;
    }

    /// <inheritdoc />
    public string? SourceOf(long index) => index >= 0 && index < Count ? _inputs.SourceOf(index) : null;

    /// <summary>Stacks samples into a batch: inputs [n, ...row shape] and targets [n, ...row shape], in the shards' types.</summary>
    public TensorBatch Collate(IReadOnlyList<ShardSample> samples) =>
        new(Stack(samples, s => s.Input, _inputs), Stack(samples, s => s.Target, _targets));

    /// <summary>Unmaps the shards.</summary>
    public void Dispose()
    {
        _inputs.Dispose();
        _targets.Dispose();
    }

    private static Tensor Stack(IReadOnlyList<ShardSample> samples, Func<ShardSample, byte[]> row, NpyShardSet set)
    {
        var batch = empty([samples.Count, .. set.RowShape], set.ElementType);
        // A new CPU tensor is contiguous: its bytes are the rows one after another.
        var bytes = batch.bytes;
        for (var i = 0; i < samples.Count; i++) row(samples[i]).CopyTo(bytes.Slice(i * set.RowBytes, set.RowBytes));
        return batch;
    }
}
