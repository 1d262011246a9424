using Lightning.Core.Configuration;
using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>
/// The error for a monitored metric that was never logged: a typo in <c>monitor</c> must stop the run at the first
/// validation, as a configuration error that names the key and what was logged, not train on with nothing monitored.
/// </summary>
internal static class MonitorCheck
{
    /// <summary>Throws when <paramref name="monitor"/> is not among the trainer's metrics.</summary>
    /// <exception cref="LightningConfigException">The metric was not logged.</exception>
    public static void RequireLogged(ITrainerView trainer, string key, string monitor)
    {
        if (trainer.CallbackMetrics.ContainsKey(monitor)) return;
        var logged = trainer.CallbackMetrics.Keys.Where(k => k != "epoch").Order(StringComparer.Ordinal).ToList();
        var suggestion = KeyNames.Suggest(monitor, logged);
        throw new LightningConfigException([new ConfigIssue(key, monitor, "configuration",
            $"the metric '{monitor}' was not logged by the end of the first validation " +
            $"(logged: {(logged.Count == 0 ? "nothing" : string.Join(", ", logged))})." +
            (suggestion is null ? $" Log it from ValidationStep, or set {key} to a logged metric." : $" Did you mean '{suggestion}'?"))]);
    }
}
