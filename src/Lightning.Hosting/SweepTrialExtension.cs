using System.Globalization;
using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace Lightning.Hosting;

/// <summary>
/// Makes the app a well-behaved sweep trial when the controller started it (<see cref="SweepTrialContract.TrialVariable"/>
/// is set): tags a stopped run pruned, waits at decision epochs for the controller, and reads a stop signal as pruning
/// (<see cref="ExitCodes.Stopped"/>) rather than an interruption (<see cref="ExitCodes.Interrupted"/>).
/// </summary>
/// <param name="variable">Reads an environment variable; default the process environment.</param>
public sealed class SweepTrialExtension(Func<string, string?>? variable = null) : IAppHostExtension
{
    private static readonly TimeSpan DefaultDecisionTimeout = TimeSpan.FromMinutes(5);
    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    private bool IsTrial => _variable(SweepTrialContract.TrialVariable) is { Length: > 0 };

    /// <inheritdoc />
    public IEnumerable<Callback> CreateCallbacks(AppHostContext context)
    {
        if (!IsTrial) yield break;
        var epochs = SweepTrialContract.ParseEpochs(_variable(SweepTrialContract.DecisionEpochsVariable));
        // First: the controller decides on the epoch_end event the events callback has just written.
        if (context.EventsPath is { } eventsPath && epochs.Count > 0)
            yield return new DecisionGateCallback(
                new DecisionGate(eventsPath, context.Stopping, DecisionTimeout(), context.Time, context.Error,
                    signalled: Core.Distributed.LaunchEnvironment.Detect(_variable) is not { Rank: > 0 }), epochs);
        yield return new PrunedTagCallback();
    }

    /// <inheritdoc />
    public FitResult MapResult(FitResult result) =>
        // A sweep stops a trial it prunes with SIGTERM: that is a stop on request, not an interruption.
        result.Outcome == RunOutcome.Interrupted && IsTrial
            ? result with { Outcome = RunOutcome.Stopped, Message = "Stopped by the sweep's pruner." }
            : result;

    private TimeSpan DecisionTimeout() =>
        double.TryParse(_variable(SweepTrialContract.DecisionTimeoutVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : DefaultDecisionTimeout;
}
