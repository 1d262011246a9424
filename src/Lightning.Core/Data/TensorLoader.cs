using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>
/// Batches in-memory tensors with a seeded permutation and <c>index_select</c> on whole tensors: one native call per
/// tensor per batch, where TorchSharp's per-item <c>DataLoader</c> makes several per sample (about 50 times slower).
/// </summary>
public sealed class TensorLoader : IShardableLoader<TensorBatch>
{
    private readonly Tensor _inputs;
    private readonly Tensor _targets;
    private readonly LoaderOptions _options;
    private readonly DistributedShard? _shard;

    /// <summary>Batches <paramref name="inputs"/> and <paramref name="targets"/> (same first dimension) as <paramref name="options"/> says.</summary>
    public TensorLoader(Tensor inputs, Tensor targets, LoaderOptions options)
    {
        if (inputs.shape[0] != targets.shape[0])
            throw new ArgumentException(
                $"Inputs have {inputs.shape[0]} samples but targets have {targets.shape[0]}; they must match.", nameof(targets));
        _inputs = inputs;
        _targets = targets;
        _options = options;
        BatchesPerEpoch = options.BatchesFor(inputs.shape[0]);
    }

    private TensorLoader(TensorLoader whole, DistributedShard shard)
    {
        shard.Check();
        _inputs = whole._inputs;
        _targets = whole._targets;
        _options = whole._options;
        _shard = shard;
        BatchesPerEpoch = _options.BatchesFor(shard.SamplesOf(whole.Samples));
    }

    /// <inheritdoc />
    public long BatchesPerEpoch { get; }

    /// <summary>Samples in the data set (all ranks' together).</summary>
    public long Samples => _inputs.shape[0];

    /// <inheritdoc />
    public IBatchLoader<TensorBatch> Shard(DistributedShard shard) =>
        _shard is null ? new TensorLoader(this, shard) : throw new InvalidOperationException("This loader is already one rank's shard.");

    /// <inheritdoc />
    public IEnumerable<TensorBatch> Iterate(LoaderPosition position)
    {
        var samples = _shard?.SamplesOf(Samples) ?? Samples;
        var batchSize = _options.BatchSize;
        // The order outlives the step scopes that each batch is created in.
        using var order = Order(position);
        for (var batch = position.Skip; batch < BatchesPerEpoch; batch++)
        {
            var start = batch * batchSize;
            var length = Math.Min(batchSize, samples - start);
            if (order is null)
            {
                yield return new TensorBatch(_inputs.narrow(0, start, length), _targets.narrow(0, start, length));
                continue;
            }
            using var indices = order.narrow(0, start, length);
            yield return new TensorBatch(_inputs.index_select(0, indices), _targets.index_select(0, indices));
        }
    }

    // The epoch's sample indices: null for the plain order of the whole set, which batches by narrowing instead.
    private Tensor? Order(LoaderPosition position)
    {
        using var scope = NewDisposeScope();
        var permutation = _options.Shuffle && position.AllowShuffle ? EpochPermutation.Create(Samples, position).to(_inputs.device) : null;
        var order = _shard is null ? permutation : _shard.Indices(permutation, Samples, _inputs.device);
        return order?.DetachFromDisposeScope();
    }
}
