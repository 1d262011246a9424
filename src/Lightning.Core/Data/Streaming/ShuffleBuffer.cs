namespace Lightning.Core.Data.Streaming;

/// <summary>
/// Shuffles a stream too large to hold: the first <c>capacity</c> items fill a buffer, then each new item takes the place
/// of a randomly chosen one, which is emitted; at the end the rest leave in random order. Seeded, so it is reproducible.
/// </summary>
internal static class ShuffleBuffer
{
    public static IEnumerable<T> Shuffle<T>(IEnumerable<T> source, int capacity, Random random)
    {
        var buffer = new List<T>(Math.Min(capacity, 1 << 16));
        foreach (var item in source)
        {
            if (buffer.Count < capacity)
            {
                buffer.Add(item);
                continue;
            }
            var pick = random.Next(buffer.Count);
            yield return buffer[pick];
            buffer[pick] = item;
        }
        while (buffer.Count > 0)
        {
            var pick = random.Next(buffer.Count);
            yield return buffer[pick];
            buffer[pick] = buffer[^1];
            buffer.RemoveAt(buffer.Count - 1);
        }
    }
}
