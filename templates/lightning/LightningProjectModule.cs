using Lightning.Core.Data;
using Lightning.Core.Logging;
using Lightning.Core.Metrics;
using Lightning.Core.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ProjectIdentifier;

/// <summary>
#if (task == image)
/// The model and what one step computes: a small CNN. The trainer calls the steps; this class only says what a step
/// is and what to log.
#else
/// The model and what one step computes: a two-hidden-layer MLP. The trainer calls the steps; this class only says
/// what a step is and what to log.
#endif
/// </summary>
public sealed class ProjectIdentifierModule : LightningModule<TensorBatch>
{
    private readonly ModelOptions _options;
    private readonly Sequential _network;
#if (task != regression)
    private readonly Accuracy _validationAccuracy = new(ClassificationTask.Multiclass, ProjectIdentifierDataModule.Classes);
    private readonly Accuracy _testAccuracy = new(ClassificationTask.Multiclass, ProjectIdentifierDataModule.Classes);
#else
    private readonly MeanAbsoluteError _validationError = new();
    private readonly MeanAbsoluteError _testError = new();
#endif

    public ProjectIdentifierModule(ModelOptions options) : base(nameof(ProjectIdentifierModule))
    {
        _options = options;
#if (task == image)
        // Three convolution blocks, then an average over the whole picture, so any data.image_size fits the same layers.
        _network = Sequential(
            Conv2d(3, 16, 3, padding: 1), BatchNorm2d(16), ReLU(), MaxPool2d(2),
            Conv2d(16, 32, 3, padding: 1), BatchNorm2d(32), ReLU(), MaxPool2d(2),
            Conv2d(32, 64, 3, padding: 1), BatchNorm2d(64), ReLU(), AdaptiveAvgPool2d(1), Flatten(),
            Dropout(options.Dropout), Linear(64, options.HiddenSize), ReLU(),
            Linear(options.HiddenSize, ProjectIdentifierDataModule.Classes));
#else
        _network = Sequential(
            Linear(ProjectIdentifierDataModule.Features, options.HiddenSize), ReLU(), Dropout(options.Dropout),
            Linear(options.HiddenSize, options.HiddenSize), ReLU(), Dropout(options.Dropout),
#if (task != regression)
            Linear(options.HiddenSize, ProjectIdentifierDataModule.Classes));
#else
            Linear(options.HiddenSize, 1));
#endif
#endif
        RegisterComponents();
    }

    public Tensor Forward(Tensor input) => _network.forward(input);

    public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
    {
        var loss = Loss(Forward(batch.Input), batch.Target);
        Log("train_loss", loss, new LogOptions(ProgressBar: true));
        return loss;
    }

    public override void ValidationStep(TensorBatch batch, long batchIndex)
    {
        var output = Forward(batch.Input);
        Log("val_loss", Loss(output, batch.Target), new LogOptions(ProgressBar: true));
#if (task != regression)
        _validationAccuracy.Update(output, batch.Target);
        Log("val_acc", _validationAccuracy, new LogOptions(ProgressBar: true));
#else
        _validationError.Update(output.squeeze(1), batch.Target);
        Log("val_mae", _validationError, new LogOptions(ProgressBar: true));
#endif
    }

    public override void TestStep(TensorBatch batch, long batchIndex)
    {
        var output = Forward(batch.Input);
        Log("test_loss", Loss(output, batch.Target));
#if (task != regression)
        _testAccuracy.Update(output, batch.Target);
        Log("test_acc", _testAccuracy);
#else
        _testError.Update(output.squeeze(1), batch.Target);
        Log("test_mae", _testError);
#endif
    }

#if (task != regression)
    public override Tensor PredictStep(TensorBatch batch, long batchIndex) => Forward(batch.Input).argmax(1);
#else
    public override Tensor PredictStep(TensorBatch batch, long batchIndex) => Forward(batch.Input).squeeze(1);
#endif

    public override OptimizerSetup ConfigureOptimizers()
    {
        var optimizer = optim.Adam(parameters(), _options.Lr);
        // Halve the learning rate when the validation loss stops improving.
        var plateau = optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor: 0.5, patience: 2);
        return new OptimizerSetup(optimizer, new SchedulerSetup(plateau, SchedulerInterval.Epoch, Monitor: "val_loss"));
    }

#if (task != regression)
    private static Tensor Loss(Tensor output, Tensor target) => functional.cross_entropy(output, target);
#else
    private static Tensor Loss(Tensor output, Tensor target) => functional.mse_loss(output.squeeze(1), target);
#endif
}
