using static TorchSharp.torch;

namespace Lightning.Core.Metrics;

/// <summary>
/// Per-class true-positive, predicted and actual counts, the state behind accuracy, precision, recall and F1.
/// Binary tasks count class 1 only, as scikit-learn and torchmetrics do.
/// </summary>
public abstract class ClassificationCounts : Metric
{
    private Tensor? _truePositives;
    private Tensor? _predicted;
    private Tensor? _actual;

    /// <summary>Counts for <paramref name="task"/>; <paramref name="classes"/> is required for multiclass.</summary>
    protected ClassificationCounts(ClassificationTask task, int classes)
    {
        if (task == ClassificationTask.Multiclass && classes < 2)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "A multiclass metric needs the number of classes (2 or more).");
        Task = task;
        Classes = task == ClassificationTask.Binary ? 2 : classes;
    }

    /// <summary>The task.</summary>
    public ClassificationTask Task { get; }

    /// <summary>Classes counted.</summary>
    public int Classes { get; }

    /// <inheritdoc />
    public override void Update(Tensor predictions, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var labels = Labels(predictions);
        var truth = targets.reshape(-1).to(ScalarType.Int64);
        _truePositives ??= State(predictions.device, Classes);
        _predicted ??= State(predictions.device, Classes);
        _actual ??= State(predictions.device, Classes);
        _truePositives.add_(bincount(truth.masked_select(labels.eq(truth)), minlength: Classes).to(ScalarType.Float64));
        _predicted.add_(bincount(labels, minlength: Classes).to(ScalarType.Float64));
        _actual.add_(bincount(truth, minlength: Classes).to(ScalarType.Float64));
    }

    /// <summary>True positives per class.</summary>
    protected Tensor TruePositives => _truePositives ?? throw NothingSeen();

    /// <summary>Predictions per class.</summary>
    protected Tensor Predicted => _predicted ?? throw NothingSeen();

    /// <summary>Targets per class.</summary>
    protected Tensor Actual => _actual ?? throw NothingSeen();

    /// <summary>Averages a per-class score: class 1 for binary tasks, the unweighted mean over classes for multiclass.</summary>
    protected Tensor Average(Tensor perClass) =>
        Task == ClassificationTask.Binary ? perClass[1] : perClass.mean();

    /// <summary>num / den, with 0 where den is 0 (no predictions or no samples of a class).</summary>
    protected static Tensor SafeDivide(Tensor numerator, Tensor denominator) =>
        where(denominator.gt(0), numerator / denominator.clamp_min(1e-300), zeros_like(numerator));

    /// <inheritdoc />
    protected override void OnReset()
    {
        _truePositives = null;
        _predicted = null;
        _actual = null;
    }

    private Tensor Labels(Tensor predictions) => Task switch
    {
        ClassificationTask.Binary => predictions.reshape(-1).ge(0.5).to(ScalarType.Int64),
        _ when predictions.dim() == 2 => predictions.argmax(1),
        _ => predictions.reshape(-1).to(ScalarType.Int64),
    };

    private InvalidOperationException NothingSeen() =>
        new($"{GetType().Name} has no batches yet: call Update before Compute.");
}
