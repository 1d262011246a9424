using System.Text.Json;
using Lightning.Core.Data;
using Lightning.Core.Data.Streaming;
using Lightning.TestSupport;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Data;

public sealed class StreamingLineLoaderTests : IDisposable
{
    private const int Rows = 203;
    private readonly TempDirectory _folder = new();

    // Small chunks and a small buffer, so even this file has many chunks and the buffer is full most of the time.
    private static readonly StreamOptions Small = new() { ChunkBytes = 64, ShuffleBuffer = 16 };

    public void Dispose() => _folder.Dispose();

    private string Csv()
    {
        var path = _folder.Combine("rows.csv");
        File.WriteAllLines(path, ["id,value", .. Enumerable.Range(0, Rows).Select(i => $"{i},{i * 0.5}")]);
        return path;
    }

    private static StreamingLineLoader<float[], TensorBatch> Loader(string path, bool shuffle, int workers = 2, StreamOptions? stream = null) =>
        new(path, CsvFields.Floats, Collate, new LoaderOptions { BatchSize = 8, Shuffle = shuffle, NumWorkers = workers }, stream ?? Small);

    private static TensorBatch Collate(IReadOnlyList<float[]> rows)
    {
        using var flat = tensor(rows.Select(r => r[1]).ToArray());
        return new(flat.reshape(-1, 1), tensor(rows.Select(r => (long)r[0]).ToArray()));
    }

    private static List<long> Ids(IEnumerable<TensorBatch> batches) => batches.SelectMany(b => b.Target.data<long>().ToArray()).ToList();

    [Fact]
    public void Unshuffled_ReadsEveryRowInFileOrder()
    {
        var loader = Loader(Csv(), shuffle: false);
        Assert.Equal(Rows, loader.Rows);
        Assert.Equal(26, loader.BatchesPerEpoch);
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => (long)i), Ids(loader.Iterate(new LoaderPosition(0, 0, 1))));
    }

    [Fact]
    public void Shuffled_EachEpochHasItsOwnOrderOfEveryRow()
    {
        var loader = Loader(Csv(), shuffle: true);
        var first = Ids(loader.Iterate(new LoaderPosition(0, 0, 7)));
        var second = Ids(loader.Iterate(new LoaderPosition(1, 0, 7)));
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => (long)i), first.Order());
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => (long)i), second.Order());
        Assert.NotEqual(Enumerable.Range(0, Rows).Select(i => (long)i), first);
        Assert.NotEqual(first, second);
        // Seeded: the same epoch again, and with other worker counts, is the same order.
        Assert.Equal(first, Ids(loader.Iterate(new LoaderPosition(0, 0, 7))));
        Assert.Equal(first, Ids(Loader(Csv(), shuffle: true, workers: 0).Iterate(new LoaderPosition(0, 0, 7))));
        Assert.Equal(first, Ids(Loader(Csv(), shuffle: true, workers: 4).Iterate(new LoaderPosition(0, 0, 7))));
    }

    [Fact]
    public void Resumed_ContinuesAtTheNextRowOfTheShuffledEpoch()
    {
        var loader = Loader(Csv(), shuffle: true);
        var whole = Ids(loader.Iterate(new LoaderPosition(2, 0, 7)));
        var resumed = Ids(loader.Iterate(new LoaderPosition(2, 5, 7)));
        Assert.Equal(whole[(5 * 8)..], resumed);
    }

    [Fact]
    public void BadCell_IsNamedByFileAndLine()
    {
        var path = Csv();
        var lines = File.ReadAllLines(path);
        lines[10] = "9,oops";
        File.WriteAllLines(path, lines);
        var error = Assert.Throws<DataException>(() => Loader(path, shuffle: false).Iterate(new LoaderPosition(0, 0, 1)).ToList());
        Assert.Equal($"{path} line 11: column 2: 'oops' is not a number.", error.Message);
    }

    [Fact]
    public void Jsonl_WithBlankLinesCrLfAndNoFinalBreak_CountsAndNumbersItsLines()
    {
        var path = _folder.Combine("rows.jsonl");
        File.WriteAllText(path, "{\"id\": 0}\r\n\r\n{\"id\": 1}\n\n{\"id\": 2}\r\n{\"id\": \"x\"}");
        var loader = new StreamingLineLoader<long, TensorBatch>(path, Id, ids => new(tensor(ids.ToArray()), tensor(ids.ToArray())),
            new LoaderOptions { BatchSize = 3, NumWorkers = 1 }, new StreamOptions { HasHeader = false, ChunkBytes = 8 });
        Assert.Equal(4, loader.Rows);
        var error = Assert.Throws<DataException>(() => loader.Iterate(new LoaderPosition(0, 0, 1)).ToList());
        Assert.StartsWith($"{path} line 6: ", error.Message);
        Assert.Equal([0L, 1, 2], loader.Iterate(new LoaderPosition(0, 0, 1)).Take(1).Single().Target.data<long>().ToArray());

        static long Id(LineRecord record) => JsonDocument.Parse(record.Text).RootElement.GetProperty("id").GetInt64();
    }

    [Fact]
    public void HeaderOnly_IsADataError()
    {
        var path = _folder.Combine("empty.csv");
        File.WriteAllText(path, "id,value\n");
        var error = Assert.Throws<DataException>(() => Loader(path, shuffle: false));
        Assert.Equal($"{path} has no data rows after its header.", error.Message);
    }
}
