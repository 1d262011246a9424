namespace Lightning.Sweeps.Running;

/// <summary>
/// The sweep cannot start or go on for a reason the user fixes (another controller holds it, no such sweep, Slurm not
/// answering or refusing the jobs); the message says what to do.
/// </summary>
public sealed class SweepRefusedException(string message) : Exception(message);
