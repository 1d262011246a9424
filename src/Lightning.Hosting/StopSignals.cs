using System.Runtime.InteropServices;

namespace Lightning.Hosting;

/// <summary>
/// Turns SIGINT/SIGTERM into a cancellation the loop honours at the next step boundary (it then checkpoints and the
/// app exits 130); a second signal (not the echo of the first, see <see cref="RepeatedSignal"/>), or the grace period
/// running out, exits at once. SIGUSR1 (Slurm's warning before a time limit) asks for a checkpoint and a requeue without
/// stopping. SIGUSR2 is a stop that the relaunching process sends to rank 0 alone (a sweep's pruner): the ranks agree on
/// it at the next step boundary.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private const PosixSignal Sigusr1 = (PosixSignal)Processes.ProcessSignals.User1;
    private const PosixSignal Sigusr2 = (PosixSignal)Processes.ProcessSignals.User2;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TimeSpan _grace;
    private readonly LauncherDeadline? _launcher;
    private readonly RepeatedSignal _repeats;
    private volatile bool _honoured;

    /// <param name="grace">How long the loop may take to reach a step boundary before the process exits anyway.</param>
    /// <param name="onRequeue">Called on SIGUSR1.</param>
    /// <param name="launcher">A launcher that kills the process soon after its own signal (Open MPI's mpirun).</param>
    /// <param name="time">The clock that tells a repeated signal from an echo of the first.</param>
    public StopSignals(TimeSpan grace, Action onRequeue, LauncherDeadline? launcher = null, TimeProvider? time = null)
    {
        _grace = grace;
        _repeats = new RepeatedSignal(time ?? TimeProvider.System);
        _launcher = launcher;
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStop));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStop));
        if (!OperatingSystem.IsLinux()) return;
        _registrations.Add(PosixSignalRegistration.Create(Sigusr1, context =>
        {
            context.Cancel = true;
            onRequeue();
        }));
        _registrations.Add(PosixSignalRegistration.Create(Sigusr2, OnStop));
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>The loop reached a step boundary and is stopping: only the full grace period applies from now on.</summary>
    public void Honoured() => _honoured = true;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }

    private void OnStop(PosixSignalContext context)
    {
        context.Cancel = true;
        switch (_repeats.Receive())
        {
            case SignalMeaning.Echo:
                return;
            case SignalMeaning.Repeat:
                Environment.Exit(ExitCodes.Interrupted);
                return;
        }
        _stop.Cancel();
        // A step that never returns (a hung data read) must not keep the process alive past the grace period.
        _ = Task.Delay(_grace).ContinueWith(_ => Environment.Exit(ExitCodes.Interrupted), TaskScheduler.Default);
        // A rank waiting in a collective for a rank that died never reaches a step boundary, and mpirun's SIGKILL
        // follows its SIGTERM within a second: exiting first lets the tracker record the run as KILLED. (The app's own
        // relaunch sends SIGINT or SIGUSR2, which no SIGKILL follows.)
        if (_launcher is { } launcher && context.Signal == PosixSignal.SIGTERM)
            _ = Task.Delay(launcher.Settled() ? TimeSpan.Zero : launcher.ExitWithin).ContinueWith(_ =>
            {
                if (!_honoured) Environment.Exit(launcher.Exit());
            }, TaskScheduler.Default);
    }
}

/// <summary>A launcher's own kill deadline after its SIGTERM, and what a rank does when it exits to beat it.</summary>
/// <param name="ExitWithin">How long the rank waits for its loop to honour the signal before exiting.</param>
/// <param name="Exit">Writes the one line that explains the exit, records what the run can, and returns the exit code.</param>
/// <param name="Settled">Whether the run's end is already recorded (another rank failed), so the rank exits at once.</param>
internal sealed record LauncherDeadline(TimeSpan ExitWithin, Func<int> Exit, Func<bool> Settled);
