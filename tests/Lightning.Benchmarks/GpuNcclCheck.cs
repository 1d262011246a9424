using System.Diagnostics;
using System.Runtime.InteropServices;
using Lightning.Core.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Benchmarks;

/// <summary>
/// The NCCL binding on a real GPU, which this project's CI cannot reach: a one-rank NCCL group (its id broadcast over
/// a single-process group, as over MPI), an in-place mean of 1M floats on CUDA that must leave them as they were, and
/// its median time. NCCL is found through LD_LIBRARY_PATH (a PyTorch install has it under
/// site-packages/nvidia/nccl/lib). A failure is printed as a note: it is the finding.
/// </summary>
public static class GpuNcclCheck
{
    private const int Repeats = 21;

    public static void Run(BenchReport report)
    {
        try
        {
            using var group = NcclProcessGroup.Create(new SingleProcessGroup());
            using var values = arange(1 << 20, ScalarType.Float32, device: CUDA);
            using var expected = values.clone();
            var times = new List<double>();
            for (var i = 0; i < Repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                group.AllReduce(values, ReduceOperation.Mean);
                cuda.synchronize();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            if (!values.equal(expected).item<bool>()) throw new InvalidOperationException("the one-rank mean changed the values");
            report.Figure("gpu_nccl_allreduce_ms_1m", BenchReport.Median(times));
        }
        catch (Exception error) when (error is DistributedException or InvalidOperationException or ExternalException)
        {
            report.Note($"gpu: the NCCL check failed: {error.Message}");
        }
    }
}
