using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Distributed;

/// <summary>
/// Collectives on spans of host memory and on tensors, over the raw-buffer primitives of <see cref="IProcessGroup"/>.
/// Host memory (spans, CPU tensors) goes through the group's <see cref="IProcessGroup.Host"/>, so the values ranks
/// agree on travel over MPI even when the gradients travel over NCCL.
/// </summary>
public static unsafe class ProcessGroupExtensions
{
    /// <summary>Combines <paramref name="values"/> across all ranks, in place.</summary>
    public static void AllReduce(this IProcessGroup group, Span<float> values, ReduceOperation operation)
    {
        var host = HostOf(group);
        fixed (float* start = values) host.AllReduce((nint)start, values.Length, operation);
    }

    /// <summary>Combines float64 <paramref name="values"/> across all ranks, in place.</summary>
    public static void AllReduce(this IProcessGroup group, Span<double> values, ReduceOperation operation)
    {
        var host = HostOf(group);
        fixed (double* start = values) host.AllReduceFloat64((nint)start, values.Length, operation);
    }

    /// <summary>Overwrites <paramref name="bytes"/> on every rank with those of <paramref name="root"/>.</summary>
    public static void Broadcast(this IProcessGroup group, Span<byte> bytes, int root)
    {
        var host = HostOf(group);
        fixed (byte* start = bytes) host.Broadcast((nint)start, bytes.Length, root);
    }

    /// <summary>Overwrites <paramref name="values"/> on every rank with those of <paramref name="root"/>.</summary>
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
        var target = GroupFor(group, tensor);
        var count = tensor.NumberOfElements;
        if (tensor.dtype == ScalarType.Float32) TensorMemory.Use(tensor, (address, _) => target.AllReduce(address, count, operation));
        else TensorMemory.Use(tensor, (address, _) => target.AllReduceFloat64(address, count, operation));
    }

    /// <summary>Overwrites a contiguous tensor (any element type) on every rank with <paramref name="root"/>'s.</summary>
    /// <exception cref="ArgumentException">The tensor is not contiguous or not where the group works.</exception>
    public static void Broadcast(this IProcessGroup group, Tensor tensor, int root)
    {
        var target = GroupFor(group, tensor);
        TensorMemory.Use(tensor, (address, byteCount) => target.Broadcast(address, byteCount, root));
    }

    private static IProcessGroup HostOf(IProcessGroup group)
    {
        var host = group.Host;
        if (host.Device != DeviceType.CPU)
            throw new InvalidOperationException($"This {group.Device} process group has no group for host memory.");
        return host;
    }

    // A CPU tensor goes where host memory goes; a device tensor needs a group on its device.
    private static IProcessGroup GroupFor(IProcessGroup group, Tensor tensor)
    {
        if (tensor.device_type == DeviceType.CPU) return HostOf(group);
        if (tensor.device_type != group.Device)
            throw new ArgumentException($"This {group.Device} process group cannot take {tensor.device_type} tensors.", nameof(tensor));
        return group;
    }
}
