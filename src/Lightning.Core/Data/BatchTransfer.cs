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
        var type = FloatingType is { } wanted && tensor.is_floating_point() ? wanted : tensor.dtype;
        if (tensor.device == Device && tensor.dtype == type) return tensor;
        return tensor.to(type, Device, non_blocking: NonBlocking);
    }
}
