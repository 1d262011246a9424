using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>Where a batch goes before a step: the device, the floating-point type (for bf16-true) and whether copies may be asynchronous.</summary>
/// <param name="Device">The device the module lives on.</param>
/// <param name="FloatingType">Floating tensors are cast to this type; null keeps their type.</param>
/// <param name="NonBlocking">Copy without waiting (CUDA from pinned memory); the stream orders the copy before use.</param>
public sealed record BatchTransfer(Device Device, ScalarType? FloatingType, bool NonBlocking)
{
    /// <summary>Moves one tensor: integer tensors keep their type, floating ones take <see cref="FloatingType"/>.</summary>
    public Tensor Apply(Tensor tensor)
    {
        // The common case (already in place, no cast) costs one native call, not the four of a full comparison.
        if (FloatingType is null && tensor.device_type == Device.type && (Device.type == DeviceType.CPU || tensor.device_index == Device.index))
            return tensor;
        var type = FloatingType is { } wanted && tensor.is_floating_point() ? wanted : tensor.dtype;
        if (tensor.device == Device && tensor.dtype == type) return tensor;
        return tensor.to(type, Device, non_blocking: NonBlocking);
    }

    /// <summary>
    /// Moves a whole batch. For CUDA the batch is first put in page-locked memory, so the copy to the device is
    /// asynchronous and overlaps with compute (the stream orders it before the step's kernels).
    /// </summary>
    public TBatch Move<TBatch>(TBatch batch) where TBatch : IBatch<TBatch>
    {
        if (!NonBlocking) return batch.To(this);
        var pinned = batch.PinMemory();
        var moved = pinned.To(this);
        // libtorch's pinned allocator records the pending copy, so releasing the pinned buffer now is safe.
        if (!ReferenceEquals(pinned, batch) && !ReferenceEquals(pinned, moved)) pinned.Dispose();
        return moved;
    }
}
