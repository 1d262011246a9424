using Lightning.Core.Callbacks;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Tuning;

/// <summary>
/// Drives the sweep inside a fit: sets each step's learning rate just before the optimizer steps, records the smoothed
/// loss of the step's batch, and stops the fit when the smoothed loss diverges.
/// </summary>
internal sealed class LrFindCallback(LrFindOptions options) : Callback
{
    // Lightning's smoothing factor: the loss recorded is an exponential moving average of the raw losses.
    private const double Beta = 0.98;
    private readonly List<double> _learningRates = [];
    private readonly List<double> _losses = [];
    private double _average;
    private double _best;
    private double _pendingLr = double.NaN;

    /// <summary>The learning rate of each recorded step.</summary>
    public IReadOnlyList<double> LearningRates => _learningRates;

    /// <summary>The smoothed loss of each recorded step.</summary>
    public IReadOnlyList<double> Losses => _losses;

    /// <summary>Whether the loss diverged (or stopped being finite) and the sweep was cut short.</summary>
    public bool Diverged { get; private set; }

    /// <summary>The module's own optimizer state from before the first step, to put back afterwards.</summary>
    public OptimizerSnapshot? Optimizer { get; private set; }

    /// <inheritdoc />
    public override void OnTrainStart(ITrainerView trainer)
    {
        if (trainer.Optimizer is { } optimizer) Optimizer = OptimizerSnapshot.Take(optimizer);
    }

    /// <inheritdoc />
    public override void OnBeforeOptimizerStep(ITrainerView trainer)
    {
        _pendingLr = options.LearningRateAt(_learningRates.Count);
        foreach (var group in trainer.Optimizer!.ParamGroups) group.LearningRate = _pendingLr;
    }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize)
    {
        // Inside an accumulation window no step was taken, so there is no learning rate to pair the loss with.
        if (double.IsNaN(_pendingLr)) return;
        _learningRates.Add(_pendingLr);
        _pendingLr = double.NaN;
        var raw = Read(loss);
        if (!double.IsFinite(raw))
        {
            _losses.Add(double.NaN);
            Stop(trainer);
            return;
        }
        _average = Beta * _average + (1 - Beta) * raw;
        // Bias-corrected by the number of points, so the first values are not pulled towards the zero the average starts from.
        var smoothed = _average / (1 - Math.Pow(Beta, _losses.Count + 1));
        _losses.Add(smoothed);
        if (_losses.Count > 1 && options.EarlyStopThreshold is { } threshold && smoothed > threshold * _best) Stop(trainer);
        if (_losses.Count == 1 || smoothed < _best) _best = smoothed;
    }

    private void Stop(ITrainerView trainer)
    {
        Diverged = true;
        trainer.RequestStop($"The LR finder stopped after {_losses.Count} steps: the loss diverged.");
    }

    private static double Read(Tensor loss)
    {
        using var scope = NewDisposeScope();
        return loss.detach().to(ScalarType.Float64).item<double>();
    }
}
