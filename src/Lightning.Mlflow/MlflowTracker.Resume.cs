using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow;

public sealed partial class MlflowTracker
{
    private sealed record Continued(RunHandle Run, List<KeyValuePair<string, string>> Params);

    /// <summary>
    /// Continues the run a resumed checkpoint was written by, when this store holds it: status back to RUNNING, and of
    /// the params only those the run has not logged. MLflow keeps a param's first value (a different one is refused,
    /// and with it the whole batch), so a changed value is recorded as tag <c>lightning.changed_param.&lt;key&gt;</c>
    /// with one warning. Null when the run must be a new one.
    /// </summary>
    private Continued? Continue(ResumedRun? from, List<KeyValuePair<string, string>> parameters, Dictionary<string, string> tags)
    {
        if (from is null || !string.Equals(from.TrackingUri.TrimEnd('/'), _store.Uri.TrimEnd('/'), StringComparison.Ordinal)) return null;
        if (_store.FindRun(from.RunId) is not { } existing) return null;
        _store.UpdateRun(existing.Run.RunId, RunStatus.Running, 0);
        var fresh = new List<KeyValuePair<string, string>>();
        var changed = new List<string>();
        foreach (var parameter in parameters)
        {
            if (!existing.Params.TryGetValue(parameter.Key, out var logged)) fresh.Add(parameter);
            else if (logged != parameter.Value)
            {
                changed.Add($"{parameter.Key} ('{logged}' -> '{parameter.Value}')");
                tags[_keys.Sanitize("lightning.changed_param." + parameter.Key, "tag")] = _values.Tag(parameter.Key, parameter.Value);
            }
        }
        if (changed.Count > 0)
            Warn($"Run {from.RunId} continues with params that differ from what it logged: {string.Join(", ", changed)}. " +
                "MLflow keeps a param's first value, so the new values are recorded as tags lightning.changed_param.<key>.");
        return new Continued(existing.Run, fresh);
    }
}
