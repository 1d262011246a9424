using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Distributed;

/// <summary>Collectives on spans of host memory and on tensors, over the raw-buffer primitives of <see cref="IProcessGroup"/>.</summary>
public static unsafe class ProcessGroupExtensions
{
    /// <summary>Combines <paramref name="values"/> across all ranks, in place.</summary>
    /// <exception cref="InvalidOperationException">The group works on CUDA memory (NCCL).</exception>
    public static void AllReduce(this IProcessGroup group, Span<float> values, ReduceOperation operation)
    {
        RequireHostMemory(group);
        fixed (float* start = values) group.AllReduce((nint)start, values.Length, operation);
    }

    /// <summary>Combines float64 <paramref name="values"/> across all ranks, in place.</summary>
    /// <exception cref="InvalidOperationException">The group works on CUDA memory (NCCL).</exception>
    public static void AllReduce(this IProcessGroup group, Span<double> values, ReduceOperation operation)
    {
        RequireHostMemory(group);
        fixed (double* start = values) group.AllReduceFloat64((nint)start, values.Length, operation);
    }

    /// <summary>Overwrites <paramref name="bytes"/> on every rank with those of <paramref name="root"/>.</summary>
    /// <exception cref="InvalidOperationException">The group works on CUDA memory (NCCL).</exception>
    public static void Broadcast(this IProcessGroup group, Span<byte> bytes, int root)
    {
        RequireHostMemory(group);
        fixed (byte* start = bytes) group.Broadcast((nint)start, bytes.Length, root);
    }

    /// <summary>Overwrites <paramref name="values"/> on every rank with those of <paramref name="root"/>.</summary>
    /// <exception cref="InvalidOperationException">The group works on CUDA memory (NCCL).</exception>
    public static void Broadcast(this IProcessGroup group, Span<float> values, int root) =>
        group.Broadcast(MemoryMarshal.AsBytes(values), root);

    /// <summary>
    /// Combines a contiguous float32 or float64 tensor across all ranks in place, without copying it: a CPU tensor for
    /// MPI or a single process, a CUDA tensor for NCCL.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not float32 or float64, not contiguous, or not where the group works.</exception>
    public static void AllReduce(this IProcessGroup group, Tensor tensor, ReduceOperation operation)
    {
        if (tensor.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"All-reduce takes float32 or float64 tensors, not {tensor.dtype}.", nameof(tensor));
        RequireDevice(group, tensor);
        var count = tensor.NumberOfElements;
        if (tensor.dtype == ScalarType.Float32) TensorMemory.Use(tensor, (address, _) => group.AllReduce(address, count, operation));
        else TensorMemory.Use(tensor, (address, _) => group.AllReduceFloat64(address, count, operation));
    }

    /// <summary>Overwrites a contiguous tensor (any element type) on every rank with <paramref name="root"/>'s.</summary>
    /// <exception cref="ArgumentException">The tensor is not contiguous or not where the group works.</exception>
    public static void Broadcast(this IProcessGroup group, Tensor tensor, int root)
    {
        RequireDevice(group, tensor);
        TensorMemory.Use(tensor, (address, byteCount) => group.Broadcast(address, byteCount, root));
    }

    private static void RequireHostMemory(IProcessGroup group)
    {
        if (group.Device != DeviceType.CPU)
            throw new InvalidOperationException($"This {group.Device} process group takes tensors on its device, not host memory.");
    }

    private static void RequireDevice(IProcessGroup group, Tensor tensor)
    {
        if (tensor.device_type != group.Device)
            throw new ArgumentException($"This process group works on {group.Device} tensors, not {tensor.device_type} ones.", nameof(tensor));
    }
}
