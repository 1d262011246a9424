using Lightning.Core.Data;
using Lightning.Core.Logging;
using Lightning.Core.Metrics;
using Lightning.Core.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lightning.TestApp;

/// <summary>A two-layer MLP classifier with dropout (so resume must restore the RNG to be exact).</summary>
public sealed class TinyModule : LightningModule<TensorBatch>
{
    private readonly Linear _hidden;
    private readonly Dropout _dropout;
    private readonly Linear _output;
    private readonly Accuracy _accuracy;
    private readonly TinyModelOptions _options;

    public TinyModule(TinyModelOptions options) : base(nameof(TinyModule))
    {
        _options = options;
        _hidden = Linear(8, options.Hidden);
        _dropout = Dropout(options.Dropout);
        _output = Linear(options.Hidden, 3);
        _accuracy = new Accuracy(ClassificationTask.Multiclass, 3);
        RegisterComponents();
    }

    private Tensor Forward(Tensor x) => _output.forward(_dropout.forward(functional.relu(_hidden.forward(x))));

    public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
    {
        if (_options.StepDelayMs > 0) Thread.Sleep(_options.StepDelayMs);
        if (_options.FailOnRank >= 0 && Trainer!.GlobalStep >= _options.FailAtStep
            && Lightning.Core.Distributed.LaunchEnvironment.Detect()?.Rank == _options.FailOnRank)
            throw new InvalidOperationException($"The training step of rank {_options.FailOnRank} broke at step {Trainer.GlobalStep}.");
        var loss = functional.cross_entropy(Forward(batch.Input), batch.Target);
        if (_options.NanFromStep >= 0 && Trainer!.GlobalStep >= _options.NanFromStep) loss = loss * double.NaN;
        Log("train_loss", loss, new LogOptions(ProgressBar: true));
        return loss;
    }

    public override void ValidationStep(TensorBatch batch, long batchIndex)
    {
        var logits = Forward(batch.Input);
        Log("val_loss", functional.cross_entropy(logits, batch.Target), new LogOptions(ProgressBar: true));
        _accuracy.Update(logits, batch.Target);
        Log("val_acc", _accuracy);
    }

    public override void TestStep(TensorBatch batch, long batchIndex)
    {
        var logits = Forward(batch.Input);
        Log("test_loss", functional.cross_entropy(logits, batch.Target));
        _accuracy.Update(logits, batch.Target);
        Log("test_acc", _accuracy);
    }

    public override void OnFitEnd()
    {
        if (_options.EndDelayMs > 0) Thread.Sleep(_options.EndDelayMs);
    }

    public override Tensor PredictStep(TensorBatch batch, long batchIndex) => Forward(batch.Input).argmax(1);

    public override OptimizerSetup ConfigureOptimizers()
    {
        var optimizer = optim.Adam(parameters(), _options.Lr);
        return _options.StepLr
            ? new OptimizerSetup(optimizer, new SchedulerSetup(optim.lr_scheduler.StepLR(optimizer, 1, 0.5)))
            : optimizer;
    }
}
