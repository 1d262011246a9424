namespace Lightning.Hosting;

/// <summary><c>checkpoint {path, score}</c>: a checkpoint file was written.</summary>
/// <param name="Path">The checkpoint file.</param>
/// <param name="Score">Its monitored score, or null.</param>
public sealed record CheckpointSaved(string Path, double? Score) : DriverEvent
{
    /// <summary>The event's name on disk.</summary>
    public const string EventName = "checkpoint";

    /// <inheritdoc />
    public override string Name => EventName;
}
