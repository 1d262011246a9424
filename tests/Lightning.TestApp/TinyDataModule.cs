using Lightning.Core.Data;
using static TorchSharp.torch;

namespace Lightning.TestApp;

/// <summary>Synthetic 3-class data: labels are the argmax of a fixed random linear map of the features.</summary>
public sealed class TinyDataModule(TinyDataOptions options) : LightningDataModule<TensorBatch>
{
    private Tensor? _trainX, _trainY, _valX, _valY;

    public override void PrepareData()
    {
        if (options.SayPrepared) Console.WriteLine("PrepareData ran.");
        if (options.FailPrepare) throw new DataException("The sample download failed: no network.");
    }

    public override void Setup(Stage stage)
    {
        using var generator = new Generator((ulong)options.DataSeed);
        var weights = randn([options.Features, options.Classes], generator: generator);
        (_trainX, _trainY) = Make(options.Samples, weights, generator);
        (_valX, _valY) = Make(options.ValSamples, weights, generator);
    }

    public override IBatchLoader<TensorBatch> TrainLoader() =>
        new TensorLoader(_trainX!, _trainY!, new LoaderOptions { BatchSize = options.BatchSize, Shuffle = options.Shuffle });

    public override IBatchLoader<TensorBatch> ValidationLoader() =>
        new TensorLoader(_valX!, _valY!, new LoaderOptions { BatchSize = options.BatchSize });

    public override IBatchLoader<TensorBatch> TestLoader() => ValidationLoader();

    public override IBatchLoader<TensorBatch> PredictLoader() => ValidationLoader();

    private (Tensor X, Tensor Y) Make(int samples, Tensor weights, Generator generator)
    {
        var x = randn([samples, options.Features], generator: generator);
        return (x, x.matmul(weights).argmax(1));
    }
}
