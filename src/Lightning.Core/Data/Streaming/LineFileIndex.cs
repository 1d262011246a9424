namespace Lightning.Core.Data.Streaming;

/// <summary>
/// One pass over a line-format file, in fixed-size blocks: how many rows it has (non-blank lines after the header) and
/// where its chunks start. It keeps a few numbers per chunk, never the rows, so it is small for any file size.
/// </summary>
internal sealed class LineFileIndex
{
    private const int BlockBytes = 1 << 20;

    private LineFileIndex(long rows, IReadOnlyList<LineChunk> chunks)
    {
        Rows = rows;
        Chunks = chunks;
    }

    public long Rows { get; }

    public IReadOnlyList<LineChunk> Chunks { get; }

    public static LineFileIndex Scan(string path, StreamOptions options)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        var block = new byte[BlockBytes];
        var chunks = new List<LineChunk>();
        long rows = 0, line = 1, lineStart = 0, chunkStart = 0, chunkLine = 1;
        var skipHeader = options.HasHeader;
        byte previous = 0;
        for (long offset = 0; offset < length;)
        {
            var read = RandomAccess.Read(handle, block, offset);
            if (read == 0) break;
            var span = block.AsSpan(0, read);
            for (var at = span.IndexOf((byte)'\n'); at >= 0; at = NextBreak(span, at))
            {
                var end = offset + at;
                var blank = end == lineStart || (end - lineStart == 1 && (at > 0 ? span[at - 1] : previous) == (byte)'\r');
                lineStart = end + 1;
                line++;
                if (skipHeader)
                {
                    // The header is no row and no chunk's: the first chunk starts after it.
                    skipHeader = false;
                    (chunkStart, chunkLine) = (lineStart, line);
                    continue;
                }
                if (!blank) rows++;
                if (lineStart - chunkStart < options.ChunkBytes) continue;
                chunks.Add(new LineChunk(chunkStart, lineStart, chunkLine));
                (chunkStart, chunkLine) = (lineStart, line);
            }
            previous = span[^1];
            offset += read;
        }
        // A last line without a line break is a row too.
        var tail = length - lineStart;
        if (!skipHeader && tail > 0 && !(tail == 1 && previous == (byte)'\r')) rows++;
        if (!skipHeader && chunkStart < length) chunks.Add(new LineChunk(chunkStart, length, chunkLine));
        return new LineFileIndex(rows, chunks);
    }

    private static int NextBreak(ReadOnlySpan<byte> span, int after)
    {
        var next = span[(after + 1)..].IndexOf((byte)'\n');
        return next < 0 ? -1 : after + 1 + next;
    }
}
