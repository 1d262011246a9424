namespace Lightning.Hosting;

/// <summary><c>finished {status, best, metrics, message}</c>: the run ended; always the last line.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Best">The best checkpoint the model checkpoint callback kept.</param>
/// <param name="Metrics">The final callback metrics.</param>
/// <param name="Message">Why it ended, when it did not finish; null otherwise.</param>
public sealed record RunFinished(
    RunFinishedStatus Status, BestCheckpoint Best, IReadOnlyDictionary<string, double> Metrics, string? Message) : DriverEvent
{
    /// <summary>The event's name on disk.</summary>
    public const string EventName = "finished";

    /// <inheritdoc />
    public override string Name => EventName;
}
