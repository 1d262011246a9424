using Lightning.Core.Data;
using static TorchSharp.torch;

namespace ProjectIdentifier;

/// <summary>
/// Loads a CSV file (feature columns, then the target column; one header row) and splits it into train, validation
/// and test sets. Point <c>data.path</c> at your own file; only the default path gets a generated sample data set.
/// It describes the three sets (<see cref="DescribeData"/>), so each run records what it trained and was evaluated on.
/// </summary>
public sealed class ProjectIdentifierDataModule(DataOptions options) : LightningDataModule<TensorBatch>, IDescribesData
{
    /// <summary>Feature columns the model takes (the sample data set has this many).</summary>
    public const int Features = 8;
#if (task == classification)
    /// <summary>Classes the model tells apart: targets are 0 .. Classes - 1.</summary>
    public const int Classes = 3;
#endif

    private (Tensor X, Tensor Y) _train, _validation, _test;
    private (int Train, int Validation, int Test) _rows;

    public override void PrepareData()
    {
        if (File.Exists(options.Path)) return;
        SampleData.Write(options.Path, options.GeneratedRows);
        Console.WriteLine($"No file at {options.Path}: wrote a sample data set of {options.GeneratedRows} rows there. " +
            "Point data.path at your own CSV to train on your data.");
    }

    public override void Setup(Stage stage)
    {
        var rows = CsvTable.Read(options.Path);
        Check(rows);
        var holdout = (int)(rows.Count * options.ValidationFraction);
        if (options.ValidationFraction > 0 && (holdout == 0 || rows.Count - 2 * holdout < 1))
            throw new DataException($"{options.Path} has {rows.Count} data rows: too few to hold out {options.ValidationFraction} of them " +
                "for validation and test and train on the rest.");
        _train = ToTensors(rows[..(rows.Count - 2 * holdout)]);
        _validation = ToTensors(rows[(rows.Count - 2 * holdout)..(rows.Count - holdout)]);
        _test = ToTensors(rows[(rows.Count - holdout)..]);
        _rows = (rows.Count - 2 * holdout, holdout, holdout);
    }

    /// <summary>
    /// The train, validation and test sets: one file, so one digest (the first 8 hex digits of its MD5, the length of
    /// MLflow's own digests) and a name per split (MLflow keeps one data set per name and digest), columns from the header.
    /// </summary>
    public IReadOnlyList<DatasetDescription> DescribeData()
    {
        var source = System.IO.Path.GetFullPath(options.Path);
        var digest = DatasetDigest.OfFile(source);
        var name = System.IO.Path.GetFileName(source);
        var header = File.ReadLines(source).First().Split(',').Select(c => c.Trim()).ToArray();
#if (task == classification)
        const string Target = "long";
#else
        const string Target = "float";
#endif
        var schema = header.Select((column, i) => new DatasetColumn(column, i == header.Length - 1 ? Target : "float")).ToList();
        return
        [
            new($"{name}:train", source, digest, DatasetContext.Training) { Rows = _rows.Train, Schema = schema },
            new($"{name}:validation", source, digest, DatasetContext.Validation) { Rows = _rows.Validation, Schema = schema },
            new($"{name}:test", source, digest, DatasetContext.Test) { Rows = _rows.Test, Schema = schema },
        ];
    }

    public override IBatchLoader<TensorBatch> TrainLoader() => Loader(_train, shuffle: true);

    public override IBatchLoader<TensorBatch> ValidationLoader() => Loader(_validation, shuffle: false);

    public override IBatchLoader<TensorBatch> TestLoader() => Loader(_test, shuffle: false);

    public override IBatchLoader<TensorBatch> PredictLoader() => Loader(_test, shuffle: false);

    private TensorLoader Loader((Tensor X, Tensor Y) data, bool shuffle) =>
        new(data.X, data.Y, new LoaderOptions { BatchSize = options.BatchSize, Shuffle = shuffle });

    // The model's shape is fixed by Features (and Classes): a file that does not fit it is named before training starts.
    private void Check(List<CsvTable.Row> rows)
    {
        var features = rows[0].Values.Length - 1;
        if (features != Features)
            throw new DataException($"{options.Path} has {features} feature columns (and the target last); the model takes {Features}. " +
                $"Change {nameof(ProjectIdentifierDataModule)}.{nameof(Features)}, " +
                $"or point data.path at a file with {Features} feature columns.");
#if (task == classification)
        foreach (var row in rows)
        {
            var target = row.Values[features];
            if (target < 0 || target >= Classes || target != MathF.Floor(target))
                throw new DataException($"{options.Path} line {row.Line}, column {features + 1}: " +
                    $"the target {target} is not a class index 0..{Classes - 1} " +
                    $"({nameof(ProjectIdentifierDataModule)}.{nameof(Classes)} = {Classes}).");
        }
#endif
    }

    private static (Tensor X, Tensor Y) ToTensors(List<CsvTable.Row> rows)
    {
        var features = rows[0].Values.Length - 1;
        var x = tensor(rows.SelectMany(r => r.Values[..features]).ToArray()).reshape(rows.Count, features);
#if (task == classification)
        var y = tensor(rows.Select(r => (long)r.Values[features]).ToArray());
#else
        var y = tensor(rows.Select(r => r.Values[features]).ToArray());
#endif
        return (x, y);
    }
}
