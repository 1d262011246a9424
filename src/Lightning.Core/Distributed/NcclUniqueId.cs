using System.Runtime.InteropServices;

namespace Lightning.Core.Distributed;

/// <summary>
/// NCCL's <c>ncclUniqueId</c> (<c>char internal[NCCL_UNIQUE_ID_BYTES]</c>, 128 bytes): made by rank 0, sent to every
/// rank, and passed by value to <c>ncclCommInitRank</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = ByteCount)]
internal unsafe struct NcclUniqueId
{
    /// <summary>NCCL_UNIQUE_ID_BYTES in nccl.h.</summary>
    public const int ByteCount = 128;

    /// <summary>The opaque bytes.</summary>
    public fixed byte Internal[ByteCount];
}
