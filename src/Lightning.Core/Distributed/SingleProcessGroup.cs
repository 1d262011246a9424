using TorchSharp;

namespace Lightning.Core.Distributed;

/// <summary>The group of a process no launcher started: world size 1, every collective leaves its buffer as it is.</summary>
public sealed class SingleProcessGroup : IProcessGroup
{
    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int LocalRank => 0;

    /// <inheritdoc/>
    public int WorldSize => 1;

    /// <inheritdoc/>
    public DeviceType Device => DeviceType.CPU;

    /// <inheritdoc/>
    public void AllReduce(nint buffer, long count, ReduceOperation operation) => BufferArguments.Check(buffer, count);

    /// <inheritdoc/>
    public void AllReduceFloat64(nint buffer, long count, ReduceOperation operation) => BufferArguments.Check(buffer, count);

    /// <inheritdoc/>
    public void Broadcast(nint buffer, long byteCount, int root)
    {
        BufferArguments.Check(buffer, byteCount);
        BufferArguments.CheckRoot(root, WorldSize);
    }

    /// <inheritdoc/>
    public void Barrier()
    {
    }

    /// <summary>Does nothing: no other process waits for this one, so its caller ends it the ordinary way.</summary>
    public void Abort(int exitCode)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
