using System.Runtime.InteropServices;
using System.Text;

namespace Lightning.Core.Distributed;

/// <summary>
/// The few MPI entry points data parallelism needs, bound at run time to whichever MPI is installed: Open MPI
/// (<c>libmpi.so.40</c>) or MPICH and its ABI (<c>libmpich.so.12</c>, <c>libmpi.so.12</c>). No MPI headers or
/// packages are needed to build; <c>LIGHTNING_MPI_LIB</c> (a path or soname) picks the library.
/// </summary>
/// <remarks>
/// The two families differ only in how handles look. Open MPI's <c>MPI_COMM_WORLD</c> is the address of the exported
/// global <c>ompi_mpi_comm_world</c>; MPICH's handles are 32-bit constants from its mpi.h (checked against MPICH 4.0.2's).
/// Handles are passed as pointer-sized values either way: on x86-64 and AArch64 an int argument travels in the low 32
/// bits of a register or 8-byte stack slot, and the callee reads only those.
/// </remarks>
internal sealed unsafe class MpiLibrary
{
    /// <summary>The environment variable that names the MPI library to load instead of searching.</summary>
    public const string OverrideVariable = "LIGHTNING_MPI_LIB";

    /// <summary>MPI_THREAD_SERIALIZED in both families' mpi.h: any thread may call, one at a time.</summary>
    public const int ThreadSerialized = 2;

    private static readonly string[] Candidates = ["libmpi.so.40", "libmpich.so.12", "libmpi.so.12"];
    private const string InstallAdvice =
        "install Open MPI (apt-get install openmpi-bin) or MPICH (apt-get install mpich), or set LIGHTNING_MPI_LIB to the library's path";

    private readonly nint _library;

    private MpiLibrary(string name, nint library)
    {
        Name = name;
        _library = library;
        var isOpenMpi = NativeLibrary.TryGetExport(library, "ompi_mpi_comm_world", out var world);
        Family = isOpenMpi ? "Open MPI" : "MPICH";
        CommWorld = isOpenMpi ? world : 0x44000000;
        Float = isOpenMpi ? Export("ompi_mpi_float") : 0x4c00040a;
        Double = isOpenMpi ? Export("ompi_mpi_double") : 0x4c00080b;
        Byte = isOpenMpi ? Export("ompi_mpi_byte") : 0x4c00010d;
        Sum = isOpenMpi ? Export("ompi_mpi_op_sum") : 0x58000003;
        ErrorsReturn = isOpenMpi ? Export("ompi_mpi_errors_return") : 0x54000001;
        InPlace = isOpenMpi ? 1 : -1;
        InitThread = (delegate* unmanaged<nint, nint, int, int*, int>)Export("MPI_Init_thread");
        Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)Export("MPI_Comm_set_errhandler");
        CommRank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        Allreduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, int>)Export("MPI_Allreduce");
        Bcast = (delegate* unmanaged<nint, int, nint, int, nint, int>)Export("MPI_Bcast");
        Barrier = (delegate* unmanaged<nint, int>)Export("MPI_Barrier");
        Abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        ErrorClass = (delegate* unmanaged<int, int*, int>)Export("MPI_Error_class");
    }

    /// <summary>The file or soname that was loaded.</summary>
    public string Name { get; }

    /// <summary><c>Open MPI</c> or <c>MPICH</c>.</summary>
    public string Family { get; }

    public nint CommWorld { get; }
    public nint Float { get; }
    public nint Double { get; }
    public nint Byte { get; }
    public nint Sum { get; }
    public nint InPlace { get; }
    public nint ErrorsReturn { get; }
    public delegate* unmanaged<nint, nint, int, int*, int> InitThread { get; }
    public delegate* unmanaged<int*, int> Initialized { get; }
    public delegate* unmanaged<int> Finalize { get; }
    public delegate* unmanaged<nint, nint, int> CommSetErrhandler { get; }
    public delegate* unmanaged<nint, int*, int> CommRank { get; }
    public delegate* unmanaged<nint, int*, int> CommSize { get; }
    public delegate* unmanaged<nint, nint, int, nint, nint, nint, int> Allreduce { get; }
    public delegate* unmanaged<nint, int, nint, int, nint, int> Bcast { get; }
    public delegate* unmanaged<nint, int> Barrier { get; }
    public delegate* unmanaged<nint, int, int> Abort { get; }
    public delegate* unmanaged<int, byte*, int*, int> ErrorString { get; }
    public delegate* unmanaged<int, int*, int> ErrorClass { get; }

    /// <summary>Loads <paramref name="overrideName"/> when given, else the first MPI library this host has.</summary>
    /// <exception cref="DistributedException">No MPI library could be loaded; the message says what to install.</exception>
    public static MpiLibrary Load(string? overrideName)
    {
        if (!string.IsNullOrEmpty(overrideName))
        {
            return NativeLibrary.TryLoad(overrideName, out var chosen)
                ? new MpiLibrary(overrideName, chosen)
                : throw new DistributedException(
                    $"The MPI library '{overrideName}' named by {OverrideVariable} could not be loaded: {InstallAdvice}.");
        }
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, out var found)) return new MpiLibrary(candidate, found);
        throw new DistributedException(
            $"No MPI library was found (tried {string.Join(", ", Candidates)}): {InstallAdvice}.");
    }

    /// <summary>Throws when an MPI call returned an error code, naming the call and MPI's text for the code's class.</summary>
    /// <exception cref="DistributedException">The call failed.</exception>
    public void Check(int code, string call)
    {
        if (code == 0) return;
        // MPICH's text for a code is a multi-line error stack; its class (MPI_ERR_ROOT, ...) reads as one phrase.
        var errorClass = code;
        if (ErrorClass(code, &errorClass) != 0) errorClass = code;
        var text = new byte[1024]; // MPI_MAX_ERROR_STRING is 256 in Open MPI 4 and 512 in MPICH 4
        var length = 0;
        fixed (byte* start = text)
        {
            var described = ErrorString(errorClass, start, &length) == 0;
            var reason = described ? Encoding.ASCII.GetString(text, 0, length).Trim() : "no description";
            throw new DistributedException($"{call} failed with MPI error {errorClass} ({reason}) in {Name}.");
        }
    }

    private nint Export(string name) =>
        NativeLibrary.TryGetExport(_library, name, out var address)
            ? address
            : throw new DistributedException($"'{Name}' does not export {name}: it is not an MPI library; {InstallAdvice}.");
}
