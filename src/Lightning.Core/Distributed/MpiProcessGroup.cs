using TorchSharp;

namespace Lightning.Core.Distributed;

/// <summary>
/// The processes started by mpirun, mpiexec or srun, talking through MPI's <c>MPI_COMM_WORLD</c> on host memory.
/// Initializes MPI (thread level serialized) unless something in the process already did, and finalizes only what it
/// initialized.
/// </summary>
public sealed unsafe class MpiProcessGroup : IProcessGroup
{
    private readonly MpiLibrary _mpi;
    private readonly bool _ownsMpi;
    private bool _disposed;

    private MpiProcessGroup(MpiLibrary mpi, bool ownsMpi, int localRank)
    {
        _mpi = mpi;
        _ownsMpi = ownsMpi;
        int rank, size;
        mpi.Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        mpi.Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        Rank = rank;
        WorldSize = size;
        LocalRank = localRank;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int LocalRank { get; }

    /// <inheritdoc/>
    public int WorldSize { get; }

    /// <inheritdoc/>
    public DeviceType Device => DeviceType.CPU;

    /// <summary>The library in use and its family, e.g. <c>libmpi.so.40 (Open MPI)</c>.</summary>
    public string Library => $"{_mpi.Name} ({_mpi.Family})";

    /// <summary>
    /// Loads MPI (<paramref name="libraryOverride"/>, as <c>LIGHTNING_MPI_LIB</c> gives it, or the first installed)
    /// and joins <c>MPI_COMM_WORLD</c>; the local rank comes from <paramref name="launch"/>.
    /// </summary>
    /// <exception cref="DistributedException">MPI is missing or its initialization failed.</exception>
    public static MpiProcessGroup Initialize(LaunchEnvironment launch, string? libraryOverride)
    {
        var mpi = MpiLibrary.Load(libraryOverride);
        int initialized, provided;
        mpi.Check(mpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0)
        {
            mpi.Check(mpi.InitThread(0, 0, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
            // MPI's default handler aborts the whole job inside the failing call; returning the code lets the error
            // reach the user as an exception naming the call. Left alone when someone else initialized MPI.
            mpi.Check(mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        }
        return new MpiProcessGroup(mpi, ownsMpi: initialized == 0, launch.LocalRank);
    }

    /// <inheritdoc/>
    public void AllReduce(nint buffer, long count, ReduceOperation operation)
    {
        Sum(buffer, count, _mpi.Float, sizeof(float));
        // MPI has no mean: sum, then scale, as torch.distributed's gloo backend does for AVG.
        if (operation == ReduceOperation.Mean) FloatBuffers.Scale(buffer, count, 1f / WorldSize);
    }

    /// <inheritdoc/>
    public void AllReduceFloat64(nint buffer, long count, ReduceOperation operation)
    {
        Sum(buffer, count, _mpi.Double, sizeof(double));
        if (operation == ReduceOperation.Mean) FloatBuffers.Scale(buffer, count, 1d / WorldSize);
    }

    private void Sum(nint buffer, long count, nint type, int elementSize)
    {
        BufferArguments.Check(buffer, count);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // MPI counts are ints: a larger buffer goes in slices.
        for (long done = 0; done < count; done += int.MaxValue)
        {
            var slice = (int)Math.Min(int.MaxValue, count - done);
            var start = buffer + (nint)(done * elementSize);
            _mpi.Check(_mpi.Allreduce(_mpi.InPlace, start, slice, type, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
        }
    }

    /// <inheritdoc/>
    public void Broadcast(nint buffer, long byteCount, int root)
    {
        BufferArguments.Check(buffer, byteCount);
        BufferArguments.CheckRoot(root, WorldSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (long done = 0; done < byteCount; done += int.MaxValue)
        {
            var slice = (int)Math.Min(int.MaxValue, byteCount - done);
            _mpi.Check(_mpi.Bcast(buffer + (nint)done, slice, _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast");
        }
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _mpi.Check(_mpi.Barrier(_mpi.CommWorld), "MPI_Barrier");
    }

    /// <summary>
    /// MPI_Abort on <c>MPI_COMM_WORLD</c>: the launcher ends every rank and exits non-zero, naming this one. Falls back
    /// to exiting this process should MPI return, which the launcher also notices.
    /// </summary>
    public void Abort(int exitCode)
    {
        _mpi.Abort(_mpi.CommWorld, exitCode);
        // MPI_Finalize after a failed abort would wait for ranks that are gone.
        _disposed = true;
        Environment.Exit(exitCode);
    }

    /// <summary>Finalizes MPI if this group initialized it; MPI cannot be initialized again in this process.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsMpi) _mpi.Check(_mpi.Finalize(), "MPI_Finalize");
    }
}
