using Lightning.Core.Data;
using Lightning.Core.Data.Shards;
using Lightning.TestSupport;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Data;

public sealed class ShardDatasetTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    // Rows 0..9 in two shards (4 + 6 rows): input row i is [i, i + 0.25, i + 0.5], target i is 100 + i.
    private (string[] Inputs, string[] Targets) Write()
    {
        string[] inputs = [_folder.Combine("x-0.npy"), _folder.Combine("x-1.npy")];
        string[] targets = [_folder.Combine("y-0.npy"), _folder.Combine("y-1.npy")];
        (int From, int To)[] parts = [(0, 4), (4, 10)];
        for (var s = 0; s < parts.Length; s++)
        {
            var (from, to) = parts[s];
            var x = Enumerable.Range(from, to - from).SelectMany(i => new[] { i, i + 0.25f, i + 0.5f }).ToArray();
            NpyWriter.Write<float>(inputs[s], x, to - from, 3);
            NpyWriter.Write<long>(targets[s], Enumerable.Range(from, to - from).Select(i => 100L + i).ToArray(), to - from);
        }
        return (inputs, targets);
    }

    [Fact]
    public void Shards_ReadTheValuesThatWereWritten()
    {
        var (inputs, targets) = Write();
        using var shards = new ShardDataset(inputs, targets);
        Assert.Equal(10, shards.Count);
        var loader = new PrefetchingLoader<ShardSample, TensorBatch>(shards, shards.Collate,
            new LoaderOptions { BatchSize = 3, Shuffle = true, NumWorkers = 2 });
        var batches = loader.Iterate(new LoaderPosition(0, 0, 3)).ToList();
        var x = cat(batches.Select(b => b.Input).ToArray());
        var y = cat(batches.Select(b => b.Target).ToArray());
        Assert.Equal([10L, 3], x.shape);
        Assert.Equal(ScalarType.Int64, y.dtype);
        for (var row = 0; row < 10; row++)
        {
            var i = y[row].item<long>() - 100;
            Assert.Equal(new[] { i, i + 0.25f, i + 0.5f }, x[row].data<float>().ToArray());
        }
        Assert.Equal(Enumerable.Range(100, 10).Select(i => (long)i), y.data<long>().ToArray().Order());
        Assert.Equal(inputs[1], shards.SourceOf(4));
    }

    [Fact]
    public void MappedShard_ReadsRightAcrossManyTrimsFromSeveralThreads()
    {
        var (inputs, _) = Write();
        // A trim after every read: pages are dropped all the time while three threads read.
        using var set = new NpyShardSet(inputs, trimBytes: 1);
        Parallel.For(0, 3000, new ParallelOptions { MaxDegreeOfParallelism = 3 }, n =>
        {
            var row = new byte[12];
            var index = n % 10;
            set.ReadRow(index, row);
            Assert.Equal(index + 0.5f, BitConverter.ToSingle(row, 8));
        });
    }

    [Fact]
    public void TruncatedShard_IsNamed()
    {
        var (inputs, targets) = Write();
        var bytes = File.ReadAllBytes(inputs[1]);
        File.WriteAllBytes(inputs[1], bytes[..^5]);
        var error = Assert.Throws<DataException>(() => new ShardDataset(inputs, targets));
        Assert.StartsWith($"{inputs[1]} is truncated", error.Message);
    }

    [Fact]
    public void MismatchedShards_AreNamed()
    {
        var (inputs, targets) = Write();
        NpyWriter.Write<float>(inputs[1], new float[12], 6, 2);
        var error = Assert.Throws<DataException>(() => new ShardDataset(inputs, targets));
        Assert.Equal($"{inputs[1]} holds Float32 [2] rows but {inputs[0]} holds Float32 [3]; every shard of a set must match.", error.Message);
    }

    [Fact]
    public void NpyHeader_IsWhatNumPyWrites()
    {
        // numpy.save of a float32 array of shape (4, 3): the same 128-byte header, data 64-byte aligned.
        var header = System.Text.Encoding.Latin1.GetString(NpyHeader.Encode(ScalarType.Float32, [4, 3]));
        Assert.Equal(128, header.Length);
        Assert.StartsWith("\u0093NUMPY\u0001\u0000v\u0000{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }", header);
        Assert.EndsWith(" \n", header);
    }
}
