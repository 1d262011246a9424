using Lightning.Core.Configuration;

namespace Lightning.Core.Callbacks;

/// <summary>When and where <see cref="ModelCheckpoint"/> saves, and which files it keeps. Section <c>callbacks.model_checkpoint</c>.</summary>
public sealed record ModelCheckpointOptions : IValidatableOptions
{
    /// <summary>Save checkpoints at all. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Folder for checkpoints; default <c>checkpoints/</c> under the run's folder.</summary>
    public string? DirPath { get; init; }

    /// <summary>
    /// File name template without extension: <c>{epoch}</c>, <c>{step}</c> and logged metrics with an optional format
    /// (<c>{val_loss:.4f}</c>). Default <c>{epoch}-{step}</c>, which names files <c>epoch=3-step=120</c>.
    /// </summary>
    public string Filename { get; init; } = "{epoch}-{step}";

    /// <summary>Write each filled-in value as <c>name=value</c> (Lightning's <c>auto_insert_metric_name</c>). Default true.</summary>
    public bool AutoInsertMetricName { get; init; } = true;

    /// <summary>Metric that ranks checkpoints; null (default) keeps the most recent.</summary>
    public string? Monitor { get; init; }

    /// <summary>min (default) or max.</summary>
    public MonitorMode Mode { get; init; } = MonitorMode.Min;

    /// <summary>Best checkpoints kept: -1 all, 0 none (only last). Default 1.</summary>
    public int SaveTopK { get; init; } = 1;

    /// <summary>Also keep <c>last.ckpt</c>, always the newest, for <c>--ckpt-path last</c>. Default true (Lightning: false).</summary>
    public bool SaveLast { get; init; } = true;

    /// <summary>Save every n epochs (at validation end, or train epoch end without validation). Default 1.</summary>
    public int EveryNEpochs { get; init; } = 1;

    /// <summary>Save every n optimizer steps instead of per epoch; 0 (default) for off.</summary>
    public int EveryNTrainSteps { get; init; }

    /// <summary>Save <c>on_exception.ckpt</c> when training fails with an exception. Default false.</summary>
    public bool SaveOnException { get; init; }

    /// <inheritdoc />
    public void Validate(ConfigErrors errors)
    {
        if (SaveTopK < -1) errors.Add(nameof(SaveTopK), SaveTopK, "must be -1 (keep all), 0 (keep none but last) or a count.");
        if (EveryNEpochs < 1) errors.Add(nameof(EveryNEpochs), EveryNEpochs, "must be 1 or more.");
        if (EveryNTrainSteps < 0) errors.Add(nameof(EveryNTrainSteps), EveryNTrainSteps, "must be 0 (off) or more.");
        if (string.IsNullOrWhiteSpace(Filename) || Filename.IndexOfAny(['/', '\\', '\0']) >= 0)
            errors.Add(nameof(Filename), Filename, "must be a file name without folders.");
    }
}
