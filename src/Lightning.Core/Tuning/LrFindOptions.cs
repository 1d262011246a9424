using Lightning.Core.Configuration;

namespace Lightning.Core.Tuning;

/// <summary>The LR finder's sweep, with Lightning's <c>Tuner.lr_find</c> defaults.</summary>
public sealed record LrFindOptions : IValidatableOptions
{
    /// <summary>The learning rate of the first step.</summary>
    public double MinLr { get; init; } = 1e-8;

    /// <summary>The learning rate of the last step.</summary>
    public double MaxLr { get; init; } = 1;

    /// <summary>Optimizer steps in the sweep, one learning rate each.</summary>
    public int NumTraining { get; init; } = 100;

    /// <summary>How the learning rate grows between steps.</summary>
    public LrFindMode Mode { get; init; } = LrFindMode.Exponential;

    /// <summary>Stop once the smoothed loss exceeds this multiple of the best so far; null never stops early.</summary>
    public double? EarlyStopThreshold { get; init; } = 4.0;

    /// <summary>The learning rate of step <paramref name="step"/> (0-based): <see cref="MinLr"/> first, <see cref="MaxLr"/> last.</summary>
    public double LearningRateAt(int step)
    {
        var position = NumTraining <= 1 ? 0.0 : (double)step / (NumTraining - 1);
        return Mode == LrFindMode.Exponential ? MinLr * Math.Pow(MaxLr / MinLr, position) : MinLr + position * (MaxLr - MinLr);
    }

    /// <inheritdoc />
    public void Validate(ConfigErrors errors)
    {
        if (!(MinLr > 0) || !double.IsFinite(MinLr)) errors.Add(nameof(MinLr), MinLr, "must be a positive number.");
        if (!(MaxLr > MinLr) || !double.IsFinite(MaxLr)) errors.Add(nameof(MaxLr), MaxLr, $"must be a number above min_lr ({MinLr}).");
        if (NumTraining < 2) errors.Add(nameof(NumTraining), NumTraining, "must be 2 or more steps.");
        if (EarlyStopThreshold is { } threshold && !(threshold > 1))
            errors.Add(nameof(EarlyStopThreshold), threshold, "must be above 1 (or unset never to stop early).");
    }
}
