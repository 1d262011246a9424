namespace Lightning.Hosting;

/// <summary><c>run_started {run_id, tracking_uri}</c>: the tracker has opened the run.</summary>
/// <param name="RunId">The tracker's run id, or null when it records none.</param>
/// <param name="TrackingUri">Where the run is recorded.</param>
public sealed record RunStarted(string? RunId, string TrackingUri) : DriverEvent
{
    /// <summary>The event's name on disk.</summary>
    public const string EventName = "run_started";

    /// <inheritdoc />
    public override string Name => EventName;
}
