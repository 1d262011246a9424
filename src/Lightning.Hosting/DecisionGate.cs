namespace Lightning.Hosting;

/// <summary>
/// A trial's side of the decision files (see <see cref="SweepTrialContract"/>): waits until the controller says
/// continue or stop. A stop arrives with SIGTERM, which ends the run through the usual path (checkpoint, tag pruned,
/// <see cref="ExitCodes.Stopped"/>); the gate only waits until that signal has been seen. All waiting is on <paramref name="time"/>.
/// </summary>
/// <param name="eventsPath">The trial's events file, beside which the decisions are written.</param>
/// <param name="stopping">Cancelled when the stop signal arrived.</param>
/// <param name="timeout">How long to wait for a decision before training on.</param>
/// <param name="time">The clock all waiting is on.</param>
/// <param name="error">Where a timed-out wait is said.</param>
/// <param name="signalled">
/// Whether the stop signal reaches this process. In a data-parallel trial it reaches rank 0 alone; the other ranks go on
/// at once and stop with it at the next step boundary, where the ranks agree on stopping.
/// </param>
internal sealed class DecisionGate(
    string eventsPath, CancellationToken stopping, TimeSpan timeout, TimeProvider time, TextWriter error, bool signalled = true)
{
    /// <summary>How often the decision file is looked for.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    // The controller signals before it writes stop, so the signal is normally seen at once; this bounds a lost one.
    private static readonly TimeSpan SignalWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Returns once the decision for <paramref name="epoch"/> (from 1) has arrived, a stop was requested, or the
    /// timeout passed (said on error).
    /// </summary>
    public DecisionOutcome Wait(int epoch)
    {
        var path = SweepTrialContract.DecisionPath(eventsPath, epoch);
        var started = time.GetTimestamp();
        while (!stopping.IsCancellationRequested && !File.Exists(path))
        {
            if (time.GetElapsedTime(started) > timeout)
            {
                error.WriteLine($"No decision from the sweep controller for epoch {epoch} within {timeout.TotalSeconds:F0} s ({path}); training on.");
                return DecisionOutcome.TimedOut;
            }
            Pause(PollInterval);
        }
        if (stopping.IsCancellationRequested) return DecisionOutcome.Stop;
        if (File.ReadAllText(path).Trim() != SweepTrialContract.Stop) return DecisionOutcome.Continue;
        // The signal handler may still be on its way.
        if (signalled) Pause(SignalWait);
        return DecisionOutcome.Stop;
    }

    // A delay on the injected clock that ends early when a stop is requested; WhenAny never throws on that cancellation.
    private void Pause(TimeSpan interval) => Task.WhenAny(Task.Delay(interval, time, stopping)).Wait();
}
