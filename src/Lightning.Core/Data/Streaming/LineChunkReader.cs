using System.Text;

namespace Lightning.Core.Data.Streaming;

/// <summary>Reads the non-blank lines of chunks, one chunk in memory at a time (a buffer reused from chunk to chunk).</summary>
internal static class LineChunkReader
{
    public static IEnumerable<LineRecord> Read(string path, IEnumerable<LineChunk> chunks)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = Array.Empty<byte>();
        foreach (var chunk in chunks)
        {
            if (buffer.Length < chunk.Length) buffer = new byte[chunk.Length];
            var filled = 0;
            while (filled < chunk.Length)
            {
                var read = RandomAccess.Read(handle, buffer.AsMemory(filled, chunk.Length - filled).Span, chunk.Start + filled);
                if (read == 0) throw new DataException($"{path} changed while it was read (it is shorter than when the epoch started).");
                filled += read;
            }
            var line = chunk.FirstLine;
            for (var start = 0; start < chunk.Length; line++)
            {
                var rest = buffer.AsSpan(start, chunk.Length - start);
                var end = rest.IndexOf((byte)'\n');
                var text = end < 0 ? rest : rest[..end];
                start += end < 0 ? rest.Length : end + 1;
                if (text.Length > 0 && text[^1] == (byte)'\r') text = text[..^1];
                if (text.Length > 0) yield return new LineRecord(Encoding.UTF8.GetString(text), line);
            }
        }
    }
}
