namespace Lightning.Core.Data.Streaming;

/// <summary>
/// Batches a line-format file (CSV, JSONL) too large for memory: it is read in chunks and, when shuffled, each epoch reads
/// the chunks in its own seeded order and mixes rows through a seeded buffer (<see cref="StreamOptions.ShuffleBuffer"/>).
/// Rows are parsed and collated on <see cref="LoaderOptions.NumWorkers"/> worker threads, in order. A resumed epoch
/// reads (without parsing) the rows before its position, so it continues at exactly the next row.
/// </summary>
/// <typeparam name="TItem">One parsed row.</typeparam>
/// <typeparam name="TBatch">The collated batch.</typeparam>
public sealed class StreamingLineLoader<TItem, TBatch> : IBatchLoader<TBatch> where TBatch : IBatch<TBatch>
{
    private readonly string _path;
    private readonly Func<LineRecord, TItem> _parse;
    private readonly Func<IReadOnlyList<TItem>, TBatch> _collate;
    private readonly LoaderOptions _options;
    private readonly StreamOptions _stream;
    private readonly LineFileIndex _index;

    /// <summary>Creates the loader; reads the file once to count its rows (memory stays small).</summary>
    /// <param name="path">The file.</param>
    /// <param name="parse">Turns one line into a sample; runs on the worker threads. Its errors are reported with the file and line.</param>
    /// <param name="collate">Stacks samples into one batch; runs on the worker threads.</param>
    /// <param name="options">Batch size, shuffle, drop-last, workers and prefetch.</param>
    /// <param name="stream">Header, chunk size and shuffle buffer; null for the defaults.</param>
    /// <exception cref="DataException">The file does not exist or has no rows.</exception>
    public StreamingLineLoader(
        string path, Func<LineRecord, TItem> parse, Func<IReadOnlyList<TItem>, TBatch> collate, LoaderOptions options, StreamOptions? stream = null)
    {
        options.CheckWorkers();
        _stream = stream ?? new StreamOptions();
        _stream.Check();
        if (!File.Exists(path)) throw new DataException($"No such file: {Path.GetFullPath(path)}.");
        _path = path;
        _parse = parse;
        _collate = collate;
        _options = options;
        _index = LineFileIndex.Scan(path, _stream);
        if (_index.Rows == 0) throw new DataException($"{path} has no data rows{(_stream.HasHeader ? " after its header" : "")}.");
        BatchesPerEpoch = options.BatchesFor(_index.Rows);
    }

    /// <summary>Data rows in the file (non-blank lines after the header).</summary>
    public long Rows => _index.Rows;

    /// <inheritdoc />
    public long BatchesPerEpoch { get; }

    /// <inheritdoc />
    public IEnumerable<TBatch> Iterate(LoaderPosition position)
    {
        using var rows = EpochRows(position).GetEnumerator();
        for (var skipped = 0L; skipped < position.Skip * _options.BatchSize && rows.MoveNext(); skipped++) { }
        var batches = OrderedWorkers<LineRecord[], TBatch>.Run(position.Skip, BatchesPerEpoch, _options.NumWorkers, _options.PrefetchFactor,
            _ => Take(rows), (lines, stop) => Build(lines, stop));
        // The enumerator above is disposed after this loop, so after the workers that read it are joined.
        foreach (var batch in batches) yield return batch;
    }

    // The epoch's rows in order: the file's own, or chunks in a seeded order through a seeded shuffle buffer.
    private IEnumerable<LineRecord> EpochRows(LoaderPosition position)
    {
        if (!_options.Shuffle || !position.AllowShuffle) return LineChunkReader.Read(_path, _index.Chunks);
        var seed = EpochPermutation.GeneratorSeed(position);
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var chunks = _index.Chunks.ToArray();
        random.Shuffle(chunks);
        return ShuffleBuffer.Shuffle(LineChunkReader.Read(_path, chunks), _stream.ShuffleBuffer, random);
    }

    // Called by one worker at a time, in batch order: the next batch's rows.
    private LineRecord[] Take(IEnumerator<LineRecord> rows)
    {
        var lines = new List<LineRecord>(_options.BatchSize);
        while (lines.Count < _options.BatchSize && rows.MoveNext()) lines.Add(rows.Current);
        return [.. lines];
    }

    private TBatch Build(LineRecord[] lines, CancellationToken stop)
    {
        var items = new TItem[lines.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            stop.ThrowIfCancellationRequested();
            try
            {
                items[i] = _parse(lines[i]);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                throw new DataException($"{_path} line {lines[i].Line}: {error.Message}", error);
            }
        }
        return _collate(items);
    }
}
