namespace Lightning.Hosting;

/// <summary>
/// Tells a stop request from its echo: one Ctrl+C can arrive twice (the terminal signals the whole process group, and
/// the build or launcher that started this process forwards its own copy), while a second Ctrl+C the user means
/// comes later. Only a repeat after <see cref="Window"/> counts as the second request.
/// </summary>
internal sealed class RepeatedSignal(TimeProvider time)
{
    /// <summary>How long after the first signal another one is taken as the same request.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private long? _first;

    /// <summary>What a signal received now means.</summary>
    public SignalMeaning Receive()
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (_first is not { } first)
            {
                _first = now;
                return SignalMeaning.Stop;
            }
            return time.GetElapsedTime(first, now) < Window ? SignalMeaning.Echo : SignalMeaning.Repeat;
        }
    }
}

/// <summary>What a received stop signal means.</summary>
internal enum SignalMeaning
{
    /// <summary>The first: stop at the next step boundary.</summary>
    Stop,

    /// <summary>The same request delivered again by another route: ignore it.</summary>
    Echo,

    /// <summary>A second request: stop now.</summary>
    Repeat,
}
