using System.Globalization;
using Lightning.Core.Data;
using static TorchSharp.torch;

namespace ProjectIdentifier;

/// <summary>
/// Loads a CSV file (feature columns, then the target column; one header row) and splits it into train, validation
/// and test sets. Point <c>data.path</c> at your own file; when the file is missing, a sample data set is generated.
/// </summary>
public sealed class ProjectIdentifierDataModule(DataOptions options) : LightningDataModule<TensorBatch>
{
    /// <summary>Feature columns of the sample data set.</summary>
    public const int Features = 8;
#if (task == classification)
    /// <summary>Classes of the sample data set.</summary>
    public const int Classes = 3;
#endif

    private (Tensor X, Tensor Y) _train, _validation, _test;

    public override void PrepareData()
    {
        if (!File.Exists(options.Path)) SampleData.Write(options.Path, options.GeneratedRows);
    }

    public override void Setup(Stage stage)
    {
        var rows = File.ReadLines(options.Path).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToList();
        if (rows.Count == 0) throw new InvalidDataException($"{options.Path} has no data rows below its header.");
        var holdout = (int)(rows.Count * options.ValidationFraction);
        _train = ToTensors(rows[..(rows.Count - 2 * holdout)]);
        _validation = ToTensors(rows[(rows.Count - 2 * holdout)..(rows.Count - holdout)]);
        _test = ToTensors(rows[(rows.Count - holdout)..]);
    }

    public override IBatchLoader<TensorBatch> TrainLoader() => Loader(_train, shuffle: true);

    public override IBatchLoader<TensorBatch> ValidationLoader() => Loader(_validation, shuffle: false);

    public override IBatchLoader<TensorBatch> TestLoader() => Loader(_test, shuffle: false);

    public override IBatchLoader<TensorBatch> PredictLoader() => Loader(_test, shuffle: false);

    private TensorLoader Loader((Tensor X, Tensor Y) data, bool shuffle) =>
        new(data.X, data.Y, new LoaderOptions { BatchSize = options.BatchSize, Shuffle = shuffle });

    private static (Tensor X, Tensor Y) ToTensors(List<float[]> rows)
    {
        var features = rows[0].Length - 1;
        var x = tensor(rows.SelectMany(r => r[..features]).ToArray()).reshape(rows.Count, features);
#if (task == classification)
        var y = tensor(rows.Select(r => (long)r[features]).ToArray());
#else
        var y = tensor(rows.Select(r => r[features]).ToArray());
#endif
        return (x, y);
    }
}
