using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lightning.Core.Distributed;
using Lightning.Core.Native;
using TorchSharp;

// Prints what the collectives did as "rank=R name=value" lines; the tests compute what the values must be.
// "bad-root" makes an MPI call fail; "bench" times the 1M-float all-reduce instead and prints rank 0's median as a BENCH line.
// "ddp-fit" trains with the Trainer instead (see DdpFit), which starts MPI itself; "ddp-bench" times it (see DdpBench).
if (args is ["ddp-fit", ..]) return DdpFit.Run(args);
if (args is ["ddp-bench", ..]) return DdpBench.Run(args);
try
{
    using var group = ProcessGroups.Create();
    var print = (string name, object value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank={group.Rank} {name}={value}"));
    print("world", $"{group.WorldSize} local={group.LocalRank} library={(group as MpiProcessGroup)?.Library ?? "none"}");
    if (args is ["bench", ..]) Bench(group, print);
    else if (args is ["bad-root", ..]) BroadcastFromNowhere(group);
    else Probe(group, print);
    group.Barrier();
    print("barrier", "passed");
    return 0;
}
catch (DistributedException error)
{
    Console.Error.WriteLine(error.Message);
    return 1;
}

static void Probe(IProcessGroup group, Action<string, object> print)
{
    var rank = group.Rank;
    float[] tiny = [rank + 1, -2 * rank, 0.5f];
    group.AllReduce(tiny, ReduceOperation.Sum);
    print("tiny_sum", Join(tiny));
    tiny = [rank + 1, -2 * rank, 0.5f];
    group.AllReduce(tiny, ReduceOperation.Mean);
    print("tiny_mean", Join(tiny));

    var large = Pattern(rank, 1 << 20);
    group.AllReduce(large, ReduceOperation.Sum);
    print("1m_sum", Summary(large));
    large = Pattern(rank, 1 << 20);
    group.AllReduce(large, ReduceOperation.Mean);
    print("1m_mean", Summary(large));

    TorchNative.EnsureLoadable();
    using var tensor = torch.arange(4, dtype: torch.float32) * (rank + 1);
    group.AllReduce(tensor, ReduceOperation.Sum);
    print("tensor_sum", Join(tensor.data<float>().ToArray()));

    var message = Encoding.ASCII.GetBytes(rank == 0 ? "from rank 0" : "not sent...");
    group.Broadcast(message, root: 0);
    print("broadcast_bytes", Encoding.ASCII.GetString(message));
    float[] floats = [rank, rank * 10];
    group.Broadcast(floats, root: group.WorldSize - 1);
    print("broadcast_floats", Join(floats));
}

// Element i of rank r is r + i % 7, so the sum over W ranks is W(W-1)/2 + W (i % 7), exact in float32.
static float[] Pattern(int rank, int count) => [.. Enumerable.Range(0, count).Select(i => (float)(rank + i % 7))];

static string Summary(float[] values) =>
    string.Create(CultureInfo.InvariantCulture, $"{values[0]},{values[1]},{values[^1]} total={values.Sum(v => (double)v)}");

static string Join(IEnumerable<float> values) => string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

// A root no rank has, past the group's own argument check: MPI must hand back MPI_ERR_ROOT, not abort the job.
static unsafe void BroadcastFromNowhere(IProcessGroup group)
{
    var mpi = MpiLibrary.Load(Environment.GetEnvironmentVariable(MpiLibrary.OverrideVariable));
    byte value = 0;
    mpi.Check(mpi.Bcast((nint)(&value), 1, mpi.Byte, group.WorldSize + 5, mpi.CommWorld), "MPI_Bcast");
}

static void Bench(IProcessGroup group, Action<string, object> print)
{
    var buffer = new float[1 << 20];
    for (var i = 0; i < 20; i++) group.AllReduce(buffer, ReduceOperation.Sum); // warm the transport's buffers
    var times = new List<double>();
    for (var i = 0; i < 200; i++)
    {
        group.Barrier();
        var start = Stopwatch.GetTimestamp();
        group.AllReduce(buffer, ReduceOperation.Sum);
        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
    times.Sort();
    var median = times[times.Count / 2];
    print("allreduce_ms_1m_median", median);
    if (group.Rank == 0) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BENCH ddp_allreduce_ms_1m={median:G6}"));
}
