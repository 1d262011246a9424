using Lightning.Core.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Distributed;

/// <summary>
/// Which group a data-parallel run reduces with: MPI for CPU tensors; on CUDA an NCCL group over MPI, while the small
/// values the ranks agree on still go over MPI. (NCCL itself needs a GPU; here a group on "CUDA memory" that refuses
/// host memory stands in for it.)
/// </summary>
public sealed class DeviceGroupsTests
{
    [Fact]
    public void For_CpuTensorsOrASingleProcess_IsTheLaunchGroupItself()
    {
        var two = new HostGroup(worldSize: 2);
        var one = new HostGroup(worldSize: 1);

        Assert.Same(two, DeviceGroups.For(two, CPU, (_, _) => throw new InvalidOperationException("no NCCL on the CPU")));
        Assert.Same(one, DeviceGroups.For(one, new Device(DeviceType.CUDA, 0), (_, _) => throw new InvalidOperationException("no NCCL alone")));
    }

    [Fact]
    public void For_SeveralRanksOnCuda_StartsNcclOnceOnTheRanksGpu()
    {
        var host = new HostGroup(worldSize: 2);
        var gpus = new List<int>();
        IProcessGroup Start(IProcessGroup over, int gpu)
        {
            gpus.Add(gpu);
            return new CudaGroup(over);
        }

        var first = DeviceGroups.For(host, new Device(DeviceType.CUDA, 1), Start);
        var second = DeviceGroups.For(host, new Device(DeviceType.CUDA, 1), Start);

        Assert.IsType<CudaGroup>(first);
        Assert.Same(first, second);
        Assert.Equal([1], gpus);
        Assert.Same(host, first.Host);
    }

    [Fact]
    public void HostValues_OnACudaGroup_GoOverItsHostGroup()
    {
        var host = new HostGroup(worldSize: 2);
        IProcessGroup cuda = new CudaGroup(host);

        cuda.AllReduce([1f, 2f], ReduceOperation.Sum);
        cuda.AllReduce([1d], ReduceOperation.Sum);
        cuda.Broadcast(new byte[8], root: 0);
        using var cpuTensor = zeros(3);
        cuda.AllReduce(cpuTensor, ReduceOperation.Mean);

        Assert.Equal(["float32 x2", "float64 x1", "bytes x8", "float32 x3"], host.Calls);
    }

    [Fact]
    public void MakeCurrent_WithoutTheDriver_SaysWhatIsMissing()
    {
        var error = Assert.Throws<DistributedException>(() => CudaDriver.MakeCurrent(0, "/nonexistent/libcuda.so.1"));
        Assert.StartsWith("The CUDA driver ('/nonexistent/libcuda.so.1') could not be loaded:", error.Message, StringComparison.Ordinal);
    }

    // Records what reaches it, as MPI would on host memory.
    private sealed class HostGroup(int worldSize) : IProcessGroup
    {
        public List<string> Calls { get; } = [];
        public int Rank => 0;
        public int LocalRank => 0;
        public int WorldSize => worldSize;
        public DeviceType Device => DeviceType.CPU;
        public void AllReduce(nint buffer, long count, ReduceOperation operation) => Calls.Add($"float32 x{count}");
        public void AllReduceFloat64(nint buffer, long count, ReduceOperation operation) => Calls.Add($"float64 x{count}");
        public void Broadcast(nint buffer, long byteCount, int root) => Calls.Add($"bytes x{byteCount}");
        public void Barrier() => Calls.Add("barrier");
        public void Abort(int exitCode) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    // Takes CUDA memory only, as NCCL does: a host buffer reaching it is a routing error.
    private sealed class CudaGroup(IProcessGroup host) : IProcessGroup
    {
        public int Rank => host.Rank;
        public int LocalRank => host.LocalRank;
        public int WorldSize => host.WorldSize;
        public DeviceType Device => DeviceType.CUDA;
        public IProcessGroup Host => host;
        public void AllReduce(nint buffer, long count, ReduceOperation operation) => throw HostMemory();
        public void AllReduceFloat64(nint buffer, long count, ReduceOperation operation) => throw HostMemory();
        public void Broadcast(nint buffer, long byteCount, int root) => throw HostMemory();
        public void Barrier() => host.Barrier();
        public void Abort(int exitCode) => host.Abort(exitCode);

        private static InvalidOperationException HostMemory() => new("Host memory reached the CUDA group.");

        public void Dispose()
        {
        }
    }
}
