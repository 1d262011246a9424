using System.Collections.Concurrent;
using Lightning.Core.Data;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Data;

/// <summary>
/// A data set whose samples are random (noise drawn from the sample's context, like an augmentation), that remembers
/// every thread that read it and can fail at one index, naming a file for it.
/// </summary>
internal sealed class AugmentedSamples(long count, long failAt = -1) : IDataset<float[]>
{
    private int _reads;

    public ConcurrentDictionary<Thread, bool> Readers { get; } = new();

    public int Reads => _reads;

    /// <summary>Called after each read, on the reading thread (a test cancels a fit from here).</summary>
    public Action<int>? AfterRead { get; init; }

    public long Count => count;

    public float[] Get(long index) => throw new InvalidOperationException("The loader passes a context.");

    public float[] Get(long index, SampleContext context)
    {
        Readers.TryAdd(Thread.CurrentThread, true);
        var reads = Interlocked.Increment(ref _reads);
        AfterRead?.Invoke(reads);
        if (index == failAt) throw new InvalidDataException("the PNG ends early");
        var random = context.CreateRandom();
        return [index, (float)random.NextDouble(), (float)random.NextDouble()];
    }

    public string? SourceOf(long index) => $"images/sample-{index}.png";

    public static TensorBatch Collate(IReadOnlyList<float[]> items)
    {
        // Disposed after the reshape: an unreferenced temporary's finalizer may free it while the native reshape still reads it.
        using var flat = tensor(items.SelectMany(i => i).ToArray());
        return new(flat.reshape(items.Count, 3), tensor(items.Select(i => (long)i[0]).ToArray()));
    }
}
