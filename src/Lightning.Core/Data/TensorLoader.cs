using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>
/// Batches in-memory tensors with a seeded permutation and <c>index_select</c> on whole tensors: one native call per
/// tensor per batch, where TorchSharp's per-item <c>DataLoader</c> makes several per sample (about 50 times slower).
/// </summary>
public sealed class TensorLoader : IBatchLoader<TensorBatch>
{
    private readonly Tensor _inputs;
    private readonly Tensor _targets;
    private readonly LoaderOptions _options;

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

    /// <inheritdoc />
    public long BatchesPerEpoch { get; }

    /// <summary>Samples in the data set.</summary>
    public long Samples => _inputs.shape[0];

    /// <inheritdoc />
    public IEnumerable<TensorBatch> Iterate(LoaderPosition position)
    {
        var samples = Samples;
        var batchSize = _options.BatchSize;
        // The permutation outlives the step scopes that each batch is created in.
        using var order = _options.Shuffle && position.AllowShuffle
            ? EpochPermutation.Create(samples, position).to(_inputs.device).DetachFromDisposeScope()
            : null;
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
}
