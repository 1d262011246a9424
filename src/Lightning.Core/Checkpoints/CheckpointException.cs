namespace Lightning.Core.Checkpoints;

/// <summary>
/// A checkpoint cannot be used: missing, truncated, tampered with, or made for another model. The message names the
/// file and the failed check.
/// </summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
