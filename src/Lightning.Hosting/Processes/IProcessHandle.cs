namespace Lightning.Hosting.Processes;

/// <summary>A started child process: its lines as they arrive, its exit code, and the signals it can be sent.</summary>
public interface IProcessHandle : IDisposable
{
    /// <summary>The operating system's process id.</summary>
    int Id { get; }

    /// <summary>Whether the process has exited.</summary>
    bool HasExited { get; }

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    int ExitCode { get; }

    /// <summary>
    /// Captured lines of standard output and error in arrival order, each given once; the enumeration blocks for the
    /// next line and ends when both streams are closed. Empty for <see cref="ProcessOutput.Inherit"/>.
    /// </summary>
    IEnumerable<ProcessLine> Lines { get; }

    /// <summary>Waits for the process to exit; false when <paramref name="timeout"/> passed first.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    bool WaitForExit(TimeSpan timeout);

    /// <summary>Sends a POSIX signal (<see cref="ProcessSignals"/>) unless the process has already exited.</summary>
    void Signal(int signal);

    /// <summary>Kills the process and its descendants unless it has already exited.</summary>
    void Kill();
}
