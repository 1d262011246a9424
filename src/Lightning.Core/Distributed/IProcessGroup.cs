using TorchSharp;

namespace Lightning.Core.Distributed;

/// <summary>
/// The processes of one data-parallel job and the collectives they run together. Every rank must make the same calls
/// in the same order with the same sizes; a group is used from one thread at a time. Disposing it finalizes the
/// underlying library (MPI_Finalize, ncclCommDestroy).
/// </summary>
/// <remarks>
/// The primitives take a raw address and a count, so one interface serves host memory (MPI, single process) and CUDA
/// memory (NCCL); <see cref="ProcessGroupExtensions"/> adds spans and tensors on top.
/// </remarks>
public interface IProcessGroup : IDisposable
{
    /// <summary>This process's index in the job, from 0 to <see cref="WorldSize"/> - 1.</summary>
    int Rank { get; }

    /// <summary>This process's index among the job's processes on the same node (which GPU it takes).</summary>
    int LocalRank { get; }

    /// <summary>How many processes the job has.</summary>
    int WorldSize { get; }

    /// <summary>Where the buffers handed to this group must live: CPU for MPI and the single process, CUDA for NCCL.</summary>
    DeviceType Device { get; }

    /// <summary>
    /// The group that takes host memory, for the small values ranks agree on (stop flags, seeds, metric sums): this
    /// group itself for MPI and a single process; for NCCL, the MPI group its id travelled over.
    /// </summary>
    IProcessGroup Host => this;

    /// <summary>Combines <paramref name="count"/> float32 values at <paramref name="buffer"/> across all ranks, in place.</summary>
    void AllReduce(nint buffer, long count, ReduceOperation operation);

    /// <summary>
    /// Combines <paramref name="count"/> float64 values at <paramref name="buffer"/> across all ranks, in place: for
    /// counts and sums (metric states, epoch sums) that float32 would round once they pass 2^24.
    /// </summary>
    void AllReduceFloat64(nint buffer, long count, ReduceOperation operation);

    /// <summary>Overwrites <paramref name="byteCount"/> bytes at <paramref name="buffer"/> with those of rank <paramref name="root"/>.</summary>
    void Broadcast(nint buffer, long byteCount, int root);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>
    /// Ends every process of the job with <paramref name="exitCode"/>, from one rank alone: a rank that failed calls it
    /// so the others, waiting in a collective it will never join, do not hang. Does not return for a group of several.
    /// </summary>
    void Abort(int exitCode);
}
