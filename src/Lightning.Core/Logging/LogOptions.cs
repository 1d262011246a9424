namespace Lightning.Core.Logging;

/// <summary>How one logged value is aggregated and shown. Null fields take the defaults of the hook that logs.</summary>
/// <param name="OnStep">Log the value at the step (training default: true; evaluation default: false).</param>
/// <param name="OnEpoch">Log the batch-size-weighted epoch mean (training default: false; evaluation default: true).</param>
/// <param name="ProgressBar">Show the value in the progress bar.</param>
/// <param name="BatchSize">Weight of this value in the epoch mean; default the batch's size.</param>
public sealed record LogOptions(bool? OnStep = null, bool? OnEpoch = null, bool ProgressBar = false, long? BatchSize = null);
