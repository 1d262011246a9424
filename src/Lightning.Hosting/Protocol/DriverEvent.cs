namespace Lightning.Hosting;

/// <summary>
/// One line of the driver contract's events file. The records are the protocol: <see cref="EventsFile"/>
/// writes them and <see cref="EventsReader"/> reads them back, so no event name is spelled anywhere else.
/// </summary>
/// <remarks>
/// The protocol sits in Hosting/Protocol but keeps the Hosting namespace until the hosting layer moves to its own
/// project: renaming it now would break the executors and signal handling being reworked beside it.
/// </remarks>
public abstract record DriverEvent
{
    /// <summary>The value of the line's <c>event</c> field.</summary>
    public abstract string Name { get; }
}
