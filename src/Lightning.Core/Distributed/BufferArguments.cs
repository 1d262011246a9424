namespace Lightning.Core.Distributed;

/// <summary>The argument checks every process group makes before touching a raw buffer.</summary>
internal static class BufferArguments
{
    public static void Check(nint buffer, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (buffer == 0 && count > 0) throw new ArgumentNullException(nameof(buffer), "A non-empty buffer needs an address.");
    }

    public static void CheckRoot(int root, int worldSize)
    {
        if (root < 0 || root >= worldSize)
            throw new ArgumentOutOfRangeException(nameof(root), root, $"The root must be a rank from 0 to {worldSize - 1}.");
    }
}
