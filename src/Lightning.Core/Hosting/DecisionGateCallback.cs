#pragma warning disable RS0030 // TODO(issue 10): clock — this file reads time or sleeps directly; its owner passes a TimeProvider.
using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace Lightning.Core.Hosting;

/// <summary>
/// In a sweep trial, waits at each decision epoch (after its <c>epoch_end</c> event is written) until the controller
/// says continue or stop (see <see cref="SweepTrialContract"/>). A stop arrives with SIGTERM, which ends the run through
/// the usual path (checkpoint, tag pruned, exit 3); the gate only waits until that signal has been seen.
/// </summary>
internal sealed class DecisionGateCallback(string eventsPath, IReadOnlySet<int> epochs, CancellationToken stopping, TimeSpan timeout, TextWriter error) : Callback
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics)
    {
        var epoch = trainer.CurrentEpoch + 1;
        if (!epochs.Contains(epoch)) return;
        var path = SweepTrialContract.DecisionPath(eventsPath, epoch);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!stopping.IsCancellationRequested && !File.Exists(path))
        {
            if (waited.Elapsed > timeout)
            {
                error.WriteLine($"No decision from the sweep controller for epoch {epoch} within {timeout.TotalSeconds:F0} s ({path}); training on.");
                return;
            }
            Thread.Sleep(PollInterval);
        }
        // The controller signals before it writes stop; the signal handler may still be on its way.
        if (!stopping.IsCancellationRequested && File.Exists(path) && File.ReadAllText(path).Trim() == SweepTrialContract.Stop)
            stopping.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
    }
}
