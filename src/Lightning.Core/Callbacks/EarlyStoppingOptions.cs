using Lightning.Core.Configuration;

namespace Lightning.Core.Callbacks;

/// <summary>When <see cref="EarlyStopping"/> stops training. Section <c>callbacks.early_stopping</c>.</summary>
public sealed record EarlyStoppingOptions : IValidatableOptions
{
    /// <summary>Stop early at all. Default false (on when configured with a monitor in lightning.yaml).</summary>
    public bool Enabled { get; init; }

    /// <summary>The metric to watch, e.g. <c>val_loss</c>.</summary>
    public string Monitor { get; init; } = "val_loss";

    /// <summary>min (default) or max.</summary>
    public MonitorMode Mode { get; init; } = MonitorMode.Min;

    /// <summary>Checks without improvement before stopping. Default 3.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>Smallest change that counts as an improvement. Default 0.</summary>
    public double MinDelta { get; init; }

    /// <summary>Stop when the metric becomes NaN or infinite. Default true.</summary>
    public bool CheckFinite { get; init; } = true;

    /// <summary>Stop as soon as the metric is this good; null for none.</summary>
    public double? StoppingThreshold { get; init; }

    /// <summary>Stop as soon as the metric is this bad; null for none.</summary>
    public double? DivergenceThreshold { get; init; }

    /// <summary>
    /// Check at training epoch end (true) or after each validation (false). Default unset: at epoch end when validation
    /// runs once per epoch, as Lightning's <c>check_on_train_epoch_end</c>.
    /// </summary>
    public bool? CheckOnTrainEpochEnd { get; init; }

    /// <inheritdoc />
    public void Validate(ConfigErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Monitor)) errors.Add(nameof(Monitor), Monitor, "must name a logged metric, e.g. val_loss.");
        if (Patience < 0) errors.Add(nameof(Patience), Patience, "must be 0 or more.");
        if (MinDelta < 0 || !double.IsFinite(MinDelta)) errors.Add(nameof(MinDelta), MinDelta, "must be a finite number, 0 or more.");
    }
}
