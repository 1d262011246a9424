namespace Lightning.Core.Data.Streaming;

/// <summary>How a <see cref="StreamingLineLoader{TItem,TBatch}"/> reads its file: header, chunk size and shuffle buffer.</summary>
public sealed record StreamOptions
{
    /// <summary>The first line is a header, not a sample (CSV). Default true; false for JSONL.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>Bytes per chunk (cut at line ends); a shuffled epoch reads chunks in its own order. Default 4 MiB.</summary>
    public int ChunkBytes { get; init; } = 4 << 20;

    /// <summary>Rows held to shuffle within (memory is about this many rows); larger mixes more. Default 16384.</summary>
    public int ShuffleBuffer { get; init; } = 16_384;

    internal void Check()
    {
        if (ChunkBytes < 1) throw new ArgumentOutOfRangeException(nameof(ChunkBytes), ChunkBytes, "Chunks must be 1 byte or more.");
        if (ShuffleBuffer < 1)
            throw new ArgumentOutOfRangeException(nameof(ShuffleBuffer), ShuffleBuffer, "The shuffle buffer must hold 1 row or more.");
    }
}
