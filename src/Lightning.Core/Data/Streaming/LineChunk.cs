namespace Lightning.Core.Data.Streaming;

/// <summary>A run of whole lines of a file: bytes <paramref name="Start"/> .. <paramref name="End"/> - 1.</summary>
/// <param name="Start">First byte, at a line start.</param>
/// <param name="End">One past the last byte, after a line break or at the end of the file.</param>
/// <param name="FirstLine">1-based line number of the chunk's first line.</param>
internal readonly record struct LineChunk(long Start, long End, long FirstLine)
{
    public int Length => (int)(End - Start);
}
