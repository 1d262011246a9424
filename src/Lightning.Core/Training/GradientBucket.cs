using Lightning.Core.Distributed;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// Averages the gradients of all ranks with one all-reduce per optimizer step: each gradient is copied into a flat
/// float32 buffer allocated once, the buffer is reduced, and the means are copied back. One collective of the whole
/// model costs one latency instead of one per parameter, and a missing gradient counts as zeros so every rank sends
/// the same count.
/// </summary>
internal sealed class GradientBucket : IDisposable
{
    private readonly IProcessGroup _group;
    private readonly TorchSharp.Modules.Parameter[] _parameters;
    private readonly long[] _sizes;
    private readonly Tensor _flat;

    public GradientBucket(IProcessGroup group, TorchSharp.Modules.Parameter[] parameters, Device device)
    {
        _group = group;
        _parameters = [.. parameters.Where(p => p.requires_grad)];
        _sizes = [.. _parameters.Select(p => p.numel())];
        _flat = zeros(_sizes.Sum(), ScalarType.Float32, device).DetachFromDisposeScope();
    }

    /// <summary>Replaces every gradient by its mean over the ranks.</summary>
    public void AllReduceMean()
    {
        using var scope = NewDisposeScope();
        // Each read of .grad makes a new handle, so read each once.
        var grads = new Tensor?[_parameters.Length];
        long offset = 0;
        for (var i = 0; i < _parameters.Length; i++)
        {
            var slice = _flat.narrow(0, offset, _sizes[i]);
            grads[i] = _parameters[i].grad;
            if (grads[i] is { } grad) slice.copy_(grad.reshape(-1));
            else slice.zero_();
            offset += _sizes[i];
        }
        _group.AllReduce(_flat, ReduceOperation.Mean);
        offset = 0;
        for (var i = 0; i < _parameters.Length; i++)
        {
            if (grads[i] is { } grad) grad.copy_(_flat.narrow(0, offset, _sizes[i]).view(grad.shape));
            offset += _sizes[i];
        }
    }

    public void Dispose() => _flat.Dispose();
}
