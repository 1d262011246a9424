using TorchSharp;

namespace Lightning.Core.Distributed;

/// <summary>
/// The job's ranks talking through NCCL on CUDA memory, one GPU per rank. Rank 0 makes the NCCL id and broadcasts it
/// over the MPI group it was created with, which also serves <see cref="Barrier"/> (NCCL has none).
/// </summary>
/// <remarks>
/// Written against nccl.h but untested here: this machine has no GPU and no NCCL (its tests cover the clear error
/// when <c>libnccl.so.2</c> is missing and the id's layout). Collectives are queued on the legacy default CUDA stream
/// (stream 0), which TorchSharp's kernels also use, so later tensor work sees their results without a host wait.
/// The current CUDA device of the calling thread must be the rank's GPU when the group is created.
/// </remarks>
public sealed unsafe class NcclProcessGroup : IProcessGroup
{
    private readonly NcclLibrary _nccl;
    private readonly IProcessGroup _rendezvous;
    private readonly nint _communicator;
    private bool _disposed;

    private NcclProcessGroup(NcclLibrary nccl, IProcessGroup rendezvous, nint communicator)
    {
        _nccl = nccl;
        _rendezvous = rendezvous;
        _communicator = communicator;
    }

    /// <inheritdoc/>
    public int Rank => _rendezvous.Rank;

    /// <inheritdoc/>
    public int LocalRank => _rendezvous.LocalRank;

    /// <inheritdoc/>
    public int WorldSize => _rendezvous.WorldSize;

    /// <inheritdoc/>
    public DeviceType Device => DeviceType.CUDA;

    /// <inheritdoc/>
    public IProcessGroup Host => _rendezvous;

    /// <summary>
    /// Loads NCCL and creates a communicator over the ranks of <paramref name="rendezvous"/> (an MPI group on host
    /// memory, which stays the caller's to dispose, after this group).
    /// </summary>
    /// <exception cref="DistributedException">NCCL is missing or a call failed.</exception>
    public static NcclProcessGroup Create(IProcessGroup rendezvous) => Create(rendezvous, NcclLibrary.Load());

    internal static NcclProcessGroup Create(IProcessGroup rendezvous, NcclLibrary nccl)
    {
        ArgumentNullException.ThrowIfNull(rendezvous);
        if (rendezvous.Device != DeviceType.CPU)
            throw new ArgumentException("The NCCL id travels over a group on host memory, such as MPI.", nameof(rendezvous));
        var id = default(NcclUniqueId);
        if (rendezvous.Rank == 0) nccl.Check(nccl.GetUniqueId(&id), "ncclGetUniqueId");
        rendezvous.Broadcast((nint)(&id), NcclUniqueId.ByteCount, root: 0);
        nint communicator;
        nccl.Check(nccl.CommInitRank(&communicator, rendezvous.WorldSize, id, rendezvous.Rank), "ncclCommInitRank");
        return new NcclProcessGroup(nccl, rendezvous, communicator);
    }

    /// <inheritdoc/>
    public void AllReduce(nint buffer, long count, ReduceOperation operation) => AllReduce(buffer, count, NcclLibrary.Float32, operation);

    /// <inheritdoc/>
    public void AllReduceFloat64(nint buffer, long count, ReduceOperation operation) =>
        AllReduce(buffer, count, NcclLibrary.Float64, operation);

    private void AllReduce(nint buffer, long count, int type, ReduceOperation operation)
    {
        BufferArguments.Check(buffer, count);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var op = operation == ReduceOperation.Mean ? NcclLibrary.OperationAverage : NcclLibrary.OperationSum;
        var result = _nccl.AllReduce(buffer, buffer, (nuint)count, type, op, _communicator, 0);
        _nccl.Check(result, "ncclAllReduce");
    }

    /// <inheritdoc/>
    public void Broadcast(nint buffer, long byteCount, int root)
    {
        BufferArguments.Check(buffer, byteCount);
        BufferArguments.CheckRoot(root, WorldSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = _nccl.Broadcast(buffer, buffer, (nuint)byteCount, NcclLibrary.Uint8, root, _communicator, 0);
        _nccl.Check(result, "ncclBroadcast");
    }

    /// <summary>Waits for every rank's process (over MPI); collectives already queued on the GPU may still be running.</summary>
    public void Barrier()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _rendezvous.Barrier();
    }

    /// <inheritdoc/>
    public void Abort(int exitCode) => _rendezvous.Abort(exitCode);

    /// <summary>Destroys the NCCL communicator; the MPI group it was made with is left to its creator.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _nccl.Check(_nccl.CommDestroy(_communicator), "ncclCommDestroy");
    }
}
