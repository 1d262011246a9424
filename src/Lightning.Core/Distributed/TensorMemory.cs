using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Distributed;

/// <summary>Where a contiguous tensor's elements are, without copying them, for collectives to work on in place.</summary>
internal static unsafe partial class TensorMemory
{
    /// <summary>
    /// Runs <paramref name="use"/> with the address and byte length of <paramref name="tensor"/>'s elements. A CPU
    /// tensor's come from <see cref="Tensor.bytes"/>, a span over its storage (no copy; a test writes through it);
    /// a CUDA tensor's device address from libtorch's data pointer.
    /// </summary>
    public static void Use(Tensor tensor, Action<nint, long> use)
    {
        if (!tensor.is_contiguous())
            throw new ArgumentException("Collectives work on contiguous tensors; call contiguous() first.", nameof(tensor));
        if (tensor.device_type == DeviceType.CPU)
        {
            fixed (byte* start = tensor.bytes) use((nint)start, tensor.NumberOfElements * tensor.ElementSize);
            return;
        }
        var address = DataPointer(tensor.Handle);
        if (address == 0 && tensor.NumberOfElements > 0)
            throw new DistributedException($"libtorch gave no data pointer for a {tensor.device_type} tensor.");
        use(address, tensor.NumberOfElements * tensor.ElementSize);
    }

    // The tensor's data_ptr(), offset included; TorchSharp exposes it publicly only for CPU tensors (Tensor.bytes).
    [LibraryImport("LibTorchSharp", EntryPoint = "THSTensor_data")]
    internal static partial nint DataPointer(nint tensor);
}
