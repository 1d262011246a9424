namespace Lightning.Core.Training;

/// <summary>What a fit did.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Epochs">Epochs completed.</param>
/// <param name="GlobalStep">Optimizer steps taken.</param>
/// <param name="Metrics">The last value of every logged metric.</param>
/// <param name="Message">Why it stopped or failed; null for a plain finish.</param>
/// <param name="Error">The exception behind a failure.</param>
public sealed record FitResult(
    RunOutcome Outcome, int Epochs, long GlobalStep, IReadOnlyDictionary<string, double> Metrics, string? Message = null, Exception? Error = null);
