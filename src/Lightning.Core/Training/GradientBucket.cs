using Lightning.Core.Distributed;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// Averages the gradients of all ranks once per optimizer step. Small gradients are copied into one flat float32
/// buffer allocated once and reduced together, so a model of many small tensors pays one latency instead of one per
/// parameter. Large float32 gradients are reduced where they are: copying them into the buffer and back costs more
/// memory traffic than their own collective's latency. A missing gradient counts as zeros, so every rank makes the
/// same collectives with the same counts.
/// </summary>
internal sealed class GradientBucket : IDisposable
{
    // From 64K elements (256 KB) a collective's fixed cost is small beside the copies it saves: with the MLP of the
    // ddp benchmark (5.3M floats, two weights above this size) the copies took about 5 ms a step.
    private const long InPlaceElements = 1 << 16;

    private readonly IProcessGroup _group;
    private readonly TorchSharp.Modules.Parameter[] _parameters;
    private readonly long[] _sizes;
    private readonly bool[] _inPlace;
    private readonly Tensor _flat;

    public GradientBucket(IProcessGroup group, TorchSharp.Modules.Parameter[] parameters, Device device)
    {
        _group = group;
        _parameters = [.. parameters.Where(p => p.requires_grad)];
        _sizes = [.. _parameters.Select(p => p.numel())];
        // Decided per parameter, never per step, so that every rank makes the same collectives.
        _inPlace = [.. _parameters.Select((p, i) => _sizes[i] >= InPlaceElements && p.dtype == ScalarType.Float32)];
        _flat = zeros(_sizes.Where((_, i) => !_inPlace[i]).Sum(), ScalarType.Float32, device).DetachFromDisposeScope();
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
            grads[i] = _parameters[i].grad;
            if (_inPlace[i])
            {
                ReduceInPlace(grads[i], i);
                continue;
            }
            var slice = _flat.narrow(0, offset, _sizes[i]);
            if (grads[i] is { } grad) slice.copy_(grad.reshape(-1));
            else slice.zero_();
            offset += _sizes[i];
        }
        if (_flat.numel() > 0) _group.AllReduce(_flat, ReduceOperation.Mean);
        offset = 0;
        for (var i = 0; i < _parameters.Length; i++)
        {
            if (_inPlace[i]) continue;
            if (grads[i] is { } grad) grad.copy_(_flat.narrow(0, offset, _sizes[i]).view(grad.shape));
            offset += _sizes[i];
        }
    }

    private void ReduceInPlace(Tensor? grad, int index)
    {
        if (grad is not null && grad.is_contiguous())
        {
            _group.AllReduce(grad, ReduceOperation.Mean);
            return;
        }
        // A rank without this gradient still joins its collective with zeros; a strided one is reduced as a copy.
        var values = grad?.contiguous() ?? zeros(_sizes[index], ScalarType.Float32, _flat.device);
        _group.AllReduce(values, ReduceOperation.Mean);
        grad?.copy_(values.view(grad.shape));
    }

    public void Dispose() => _flat.Dispose();
}
