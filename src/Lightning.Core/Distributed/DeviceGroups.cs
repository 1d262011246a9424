using TorchSharp;

namespace Lightning.Core.Distributed;

/// <summary>
/// The group a data-parallel run reduces its tensors with: the launch's MPI group for CPU tensors, and for CUDA ones
/// an NCCL group over it, made once per process on the rank's GPU (NCCL, like MPI, is set up once and torn down at exit).
/// </summary>
internal static class DeviceGroups
{
    private static readonly Lock Gate = new();
    private static IProcessGroup? _nccl;

    /// <summary>The group for tensors on <paramref name="device"/>; <paramref name="host"/> itself unless several ranks train on CUDA.</summary>
    /// <exception cref="DistributedException">NCCL or the CUDA driver could not be loaded or started.</exception>
    public static IProcessGroup For(IProcessGroup host, torch.Device device) => For(host, device, StartNccl);

    /// <summary>As <see cref="For(IProcessGroup, torch.Device)"/>, with the NCCL group made by <paramref name="startNccl"/>.</summary>
    internal static IProcessGroup For(IProcessGroup host, torch.Device device, Func<IProcessGroup, int, IProcessGroup> startNccl)
    {
        if (device.type != DeviceType.CUDA || host.WorldSize == 1) return host;
        lock (Gate)
        {
            if (_nccl is { } started && ReferenceEquals(started.Host, host)) return started;
            return _nccl = startNccl(host, device.index);
        }
    }

    private static IProcessGroup StartNccl(IProcessGroup host, int gpu)
    {
        CudaDriver.MakeCurrent(gpu);
        var group = NcclProcessGroup.Create(host);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => group.Dispose();
        return group;
    }
}
