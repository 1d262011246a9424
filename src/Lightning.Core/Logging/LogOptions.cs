namespace Lightning.Core.Logging;

/// <summary>How one logged value is aggregated and shown. Null fields take the defaults of the hook that logs.</summary>
/// <param name="OnStep">Log the value at the step (training default: true; evaluation default: false).</param>
/// <param name="OnEpoch">Log the batch-size-weighted epoch mean (training default: false; evaluation default: true).</param>
/// <param name="ProgressBar">Show the value in the progress bar.</param>
/// <param name="BatchSize">Weight of this value in the epoch mean; default the batch's size.</param>
/// <param name="SyncDist">
/// Under data-parallel training, log the step value as the mean over the ranks (one all-reduce each time it is logged,
/// so every rank must log it), as Lightning's <c>sync_dist=True</c>. Epoch values are always reduced over every rank's
/// samples, with or without it; without it a step value is rank 0's.
/// </param>
public sealed record LogOptions(bool? OnStep = null, bool? OnEpoch = null, bool ProgressBar = false, long? BatchSize = null, bool SyncDist = false);
