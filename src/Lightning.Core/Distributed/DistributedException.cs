namespace Lightning.Core.Distributed;

/// <summary>
/// A collective library (MPI, NCCL) could not be loaded or a collective call failed; the message names the library or
/// the call and what to do.
/// </summary>
public sealed class DistributedException(string message) : Exception(message);
