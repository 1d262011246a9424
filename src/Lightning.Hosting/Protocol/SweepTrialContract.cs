using System.Globalization;

namespace Lightning.Hosting;

/// <summary>
/// What a sweep controller and a trial process agree on besides the events file: the environment variables the
/// executors set, and the decision files through which the controller answers at the epochs where it prunes.
/// </summary>
/// <remarks>
/// At a decision epoch the trial writes its <c>epoch_end</c> event and waits for <c>{events}.decision-{epoch}</c>
/// (<c>continue</c> or <c>stop</c>) before training on. Without that wait a fast trial runs several more epochs while
/// the controller polls, and pruning saves little of what it should; with it, ASHA stops trials exactly at its rungs.
/// </remarks>
public static class SweepTrialContract
{
    /// <summary>The trial number; its presence makes the app a sweep trial (SIGTERM means pruned: <see cref="ExitCodes.Stopped"/>).</summary>
    public const string TrialVariable = "LIGHTNING_SWEEP_TRIAL";

    /// <summary>Comma-separated epochs (from 1) at which the trial waits for the controller's decision.</summary>
    public const string DecisionEpochsVariable = "LIGHTNING_SWEEP_DECISION_EPOCHS";

    /// <summary>How long a trial waits for a decision before it trains on (the controller may be gone). Default 300 s.</summary>
    public const string DecisionTimeoutVariable = "LIGHTNING_SWEEP_DECISION_TIMEOUT_S";

    /// <summary>The decision that lets the trial train on.</summary>
    public const string Continue = "continue";

    /// <summary>The decision that prunes the trial (it arrives with SIGTERM).</summary>
    public const string Stop = "stop";

    /// <summary>Where the controller answers for <paramref name="epoch"/> (from 1) of the trial writing <paramref name="eventsPath"/>.</summary>
    public static string DecisionPath(string eventsPath, int epoch) =>
        $"{eventsPath}.decision-{epoch.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Writes a decision whole (aside, then renamed), so the trial never reads half of one.</summary>
    public static void WriteDecision(string eventsPath, int epoch, bool stop)
    {
        var path = DecisionPath(eventsPath, epoch);
        File.WriteAllText(path + ".tmp", stop ? Stop : Continue);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The value of <see cref="DecisionEpochsVariable"/> for these epochs.</summary>
    public static string FormatEpochs(IEnumerable<int> epochs) => string.Join(',', epochs.Select(e => e.ToString(CultureInfo.InvariantCulture)));

    internal static IReadOnlySet<int> ParseEpochs(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ? epoch : -1)
            .Where(e => e > 0).ToHashSet();
}
