namespace Lightning.Hosting;

/// <summary>
/// What an <see cref="IAppHostExtension"/> may use of the running app: its events file, stop token, error output, clock
/// and signals.
/// </summary>
public sealed class AppHostContext(string? eventsPath, CancellationToken stopping, TextWriter error, TimeProvider time)
{
    private Action? _requeueRequested;

    /// <summary>The events file (full path), or null when the run writes none.</summary>
    public string? EventsPath { get; } = eventsPath is null ? null : Path.GetFullPath(eventsPath);

    /// <summary>Cancelled when the app is asked to stop (SIGINT/SIGTERM).</summary>
    public CancellationToken Stopping { get; } = stopping;

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>The host's clock.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Calls <paramref name="handler"/> when the cluster asks for a checkpoint and requeue (SIGUSR1), on the signal's thread.</summary>
    public void OnRequeueRequested(Action handler) => _requeueRequested += handler;

    internal void RequestRequeue() => _requeueRequested?.Invoke();
}
