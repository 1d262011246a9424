using Lightning.Core.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// Turns <c>accelerator</c>/<c>devices</c> into a device. CUDA_VISIBLE_DEVICES is honoured by CUDA itself: indices
/// count visible devices.
/// </summary>
internal static class DeviceSelection
{
    public static Device Resolve(TrainerOptions options)
    {
        if (!CudaWanted(options)) return CPU;
        // One process per GPU, as Lightning's DDP: a rank takes the device of its rank on the node.
        var index = Distributed.LaunchEnvironment.Detect()?.LocalRank ?? 0;
        var count = torch.cuda.device_count();
        if (index >= count)
            throw Invalid("devices", options.Devices.ToString(),
                $"asks for more processes on this node than it has CUDA devices: local rank {index}, devices visible: {count}.");
        return new Device(DeviceType.CUDA, index);
    }

    /// <summary>Throws what a rank of <paramref name="options"/>' job would throw when this node cannot give each its device.</summary>
    public static void CheckNode(TrainerOptions options)
    {
        if (!CudaWanted(options)) return;
        var count = torch.cuda.device_count();
        if (options.Devices.PerNode > count)
            throw Invalid("devices", options.Devices.ToString(),
                $"asks for {options.Devices.PerNode} processes on this node, one per CUDA device, but it has {count} visible.");
    }

    // Whether the options train on CUDA here; an error when they require it and there is none.
    private static bool CudaWanted(TrainerOptions options)
    {
        // TorchSharp loads its CUDA backend lazily: try it before asking, or is_available() says false on a GPU machine.
        var cuda = options.Accelerator != AcceleratorKind.Cpu && torch.TryInitializeDeviceType(DeviceType.CUDA) && torch.cuda.is_available();
        if (options.Accelerator == AcceleratorKind.Cuda && !cuda)
            throw Invalid("accelerator", "cuda",
                "TorchSharp sees no CUDA device on this machine (no CUDA libtorch loaded or no GPU visible); use cpu or auto.");
        return cuda;
    }

    /// <summary>Physical cores (not hyper-threads), the default intra-op thread count.</summary>
    public static int PhysicalCores()
    {
        try
        {
            var cores = File.ReadLines("/proc/cpuinfo")
                .Aggregate((Physical: "0", Cores: new HashSet<string>()), (acc, line) =>
                {
                    if (line.StartsWith("physical id", StringComparison.Ordinal)) return (line.Split(':')[1].Trim(), acc.Cores);
                    if (line.StartsWith("core id", StringComparison.Ordinal)) acc.Cores.Add(acc.Physical + "/" + line.Split(':')[1].Trim());
                    return acc;
                }).Cores.Count;
            return cores > 0 ? Math.Min(cores, Environment.ProcessorCount) : Environment.ProcessorCount;
        }
        catch (IOException)
        {
            return Environment.ProcessorCount;
        }
    }

    private static LightningConfigException Invalid(string key, string value, string message) =>
        new([new ConfigIssue("trainer." + key, value, "trainer options", message)]);
}
