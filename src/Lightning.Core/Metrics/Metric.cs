using Lightning.Core.Distributed;
using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>
/// A metric accumulated over batches on the device: <see cref="Update"/> adds a batch with in-place tensor ops (no host
/// sync), <see cref="Compute"/> reads the value once. Pass one to <c>Log</c> and the trainer computes and resets it
/// at each epoch end.
/// </summary>
public abstract class Metric : IDisposable
{
    private readonly List<Tensor> _states = [];

    /// <summary>Adds one batch of predictions and targets.</summary>
    public abstract void Update(Tensor predictions, Tensor targets);

    /// <summary>The value over every batch since the last <see cref="Reset"/>, as a scalar tensor.</summary>
    public abstract Tensor ComputeTensor();

    /// <summary>The value over every batch since the last <see cref="Reset"/>; reads the device once.</summary>
    public double Compute()
    {
        using var scope = NewDisposeScope();
        return ComputeTensor().to(ScalarType.Float64).item<double>();
    }

    /// <summary>Clears the accumulated state.</summary>
    public void Reset()
    {
        foreach (var state in _states) state.Dispose();
        _states.Clear();
        OnReset();
    }

    /// <summary>
    /// Sums every state over the ranks of <paramref name="group"/>, so <see cref="Compute"/> sees every rank's batches;
    /// the trainer calls it at epoch end under data-parallel training, as torchmetrics syncs before compute. Every
    /// built-in metric keeps sums and counts; override it for a state that does not combine by addition (a maximum).
    /// </summary>
    /// <exception cref="InvalidOperationException">Some rank holds other states than this one (it updated the metric
    /// when the others did not).</exception>
    public virtual void AllReduceStates(IProcessGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        // Every rank checks the same total, so all of them throw together instead of one waiting in a collective.
        Span<double> counts = [_states.Count];
        group.AllReduce(counts, ReduceOperation.Sum);
        if (counts[0] != (double)_states.Count * group.WorldSize)
            throw new InvalidOperationException(
                $"{GetType().Name} holds {_states.Count} state tensors on rank {group.Rank} but not the same on every rank: " +
                "update it on every rank (each rank runs the same batches), or keep it out of Log under data-parallel training.");
        foreach (var state in _states) group.AllReduce(state, ReduceOperation.Sum);
    }

    /// <summary>Called by <see cref="Reset"/> after state tensors are released; drop references to them here.</summary>
    protected abstract void OnReset();

    /// <summary>A zeroed float64 state tensor on <paramref name="device"/> that outlives step scopes.</summary>
    protected Tensor State(Device device, params long[] shape)
    {
        var state = zeros(shape, ScalarType.Float64, device).DetachFromDisposeScope();
        _states.Add(state);
        return state;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Reset();
        GC.SuppressFinalize(this);
    }
}
