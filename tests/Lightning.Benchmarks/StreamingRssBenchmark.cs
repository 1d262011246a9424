using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lightning.Core.Data;
using Lightning.Core.Data.Shards;
using Lightning.Core.Data.Streaming;
using Lightning.TestSupport;
using static TorchSharp.torch;

namespace Lightning.Benchmarks;

/// <summary>
/// RSS growth over one shuffled epoch of 1 GiB of data that is never held in memory: a generated CSV through the
/// streaming loader and generated float32 shards through the memory-mapped data set. The baseline is the data's size
/// (what an in-memory loader adds); the target is at most 50 MB of growth.
/// </summary>
internal static class StreamingRssBenchmark
{
    private const long Bytes = 1L << 30;
    private const int Features = 16;
    private const int RowFloats = 256;
    private static readonly LoaderOptions Options = new() { BatchSize = 256, Shuffle = true, NumWorkers = 2 };

    public static void Csv(BenchReport report, TempDirectory folder)
    {
        var path = folder.Combine("big.csv");
        var written = WriteCsv(path);
        var loader = new StreamingLineLoader<float[], TensorBatch>(path, CsvFields.Floats, CollateCsv, Options);
        report.Note($"CSV: {written / 1e9:F2} GB, {loader.Rows} rows of {Features} features and a label");
        report.Figure("stream_rss_growth_mb_csv", Growth(report, "CSV", loader));
    }

    public static void Shards(BenchReport report, TempDirectory folder)
    {
        const int shardCount = 4;
        var rows = Bytes / (RowFloats * sizeof(float)) / shardCount;
        var inputs = new string[shardCount];
        var targets = new string[shardCount];
        var random = new Random(5);
        var block = new float[1024 * RowFloats];
        for (var s = 0; s < shardCount; s++)
        {
            inputs[s] = folder.Combine($"x-{s}.npy");
            targets[s] = folder.Combine($"y-{s}.npy");
            using (var x = new NpyWriter(inputs[s], ScalarType.Float32, rows, RowFloats))
                for (var written = 0L; written < rows; written += 1024)
                {
                    for (var i = 0; i < block.Length; i++) block[i] = random.NextSingle();
                    x.Append<float>(block.AsSpan(0, (int)Math.Min(1024, rows - written) * RowFloats));
                }
            NpyWriter.Write<long>(targets[s], Enumerable.Range(0, (int)rows).Select(i => (long)(i % 10)).ToArray(), rows);
        }
        using var shards = new ShardDataset(inputs, targets);
        report.Note($"shards: {shardCount} × {rows} rows of {RowFloats} float32 ({shards.Count * RowFloats * 4 / 1e9:F2} GB)");
        var loader = new PrefetchingLoader<ShardSample, TensorBatch>(shards, shards.Collate, Options);
        report.Figure("stream_rss_growth_mb_shards", Growth(report, "shards", loader));
    }

    // Peak RSS during the epoch minus RSS after its first batch (by then buffers, threads and the first chunk exist).
    private static double Growth(BenchReport report, string name, IBatchLoader<TensorBatch> loader)
    {
        var watch = Stopwatch.StartNew();
        long start = 0, peak = 0, batches = 0;
        foreach (var batch in loader.Iterate(new LoaderPosition(0, 0, 42)))
        {
            batch.Dispose();
            if (batches++ == 0)
            {
                GC.Collect();
                start = peak = Rss();
            }
            else if (batches % 64 == 0) peak = Math.Max(peak, Rss());
        }
        peak = Math.Max(peak, Rss());
        report.Note(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {batches} batches in {watch.Elapsed.TotalSeconds:F1} s; " +
            $"RSS {start / 1e6:F0} MB after the first batch, peak {peak / 1e6:F0} MB; " +
            $"an in-memory loader would add about {Bytes / 1e6:F0} MB"));
        return (peak - start) / 1e6;
    }

    private static long Rss()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static long WriteCsv(string path)
    {
        // A pool of formatted values keeps generation at disk speed; the parse on the read side is the real work.
        var random = new Random(3);
        var values = Enumerable.Range(0, 4096).Select(_ => (random.NextSingle() * 10 - 5).ToString("F3", CultureInfo.InvariantCulture)).ToArray();
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.WriteLine(string.Join(",", Enumerable.Range(0, Features).Select(i => $"f{i}")) + ",label");
        var line = new StringBuilder();
        while (writer.BaseStream.Position < Bytes)
        {
            for (var row = 0; row < 1000; row++)
            {
                line.Clear();
                for (var f = 0; f < Features; f++) line.Append(values[random.Next(values.Length)]).Append(',');
                line.Append(random.Next(10));
                writer.WriteLine(line);
            }
        }
        writer.Flush();
        return writer.BaseStream.Length;
    }

    private static TensorBatch CollateCsv(IReadOnlyList<float[]> rows)
    {
        var x = new float[rows.Count * Features];
        var y = new long[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].AsSpan(0, Features).CopyTo(x.AsSpan(i * Features));
            y[i] = (long)rows[i][Features];
        }
        // Disposed after the reshape: an unreferenced temporary's finalizer may free it while the native reshape still reads it.
        using var flat = tensor(x);
        return new TensorBatch(flat.reshape(rows.Count, Features), tensor(y));
    }
}
