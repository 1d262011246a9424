using System.Runtime.InteropServices;

namespace Lightning.Hosting;

/// <summary>
/// Turns SIGINT/SIGTERM into a cancellation the loop honours at the next step boundary (it then checkpoints and the
/// app exits 130); a second signal, or the grace period running out, exits at once. SIGUSR1 (Slurm's warning before a
/// time limit) asks for a checkpoint and a requeue without stopping.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private const PosixSignal Sigusr1 = (PosixSignal)10;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TimeSpan _grace;
    private int _received;

    public StopSignals(TimeSpan grace, Action onRequeue)
    {
        _grace = grace;
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStop));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStop));
        if (OperatingSystem.IsLinux())
            _registrations.Add(PosixSignalRegistration.Create(Sigusr1, context =>
            {
                context.Cancel = true;
                onRequeue();
            }));
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }

    private void OnStop(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) > 1) Environment.Exit(ExitCodes.Interrupted);
        _stop.Cancel();
        // A step that never returns (a hung data read) must not keep the process alive past the grace period.
        _ = Task.Delay(_grace).ContinueWith(_ => Environment.Exit(ExitCodes.Interrupted), TaskScheduler.Default);
    }
}
