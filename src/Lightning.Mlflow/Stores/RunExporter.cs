using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Stores;

/// <summary>What <see cref="RunExporter.Push"/> did: the run's id in the target, and whether it updated a run pushed before.</summary>
public sealed record PushedRun(string RunId, bool Updated);

/// <summary>
/// Copies a file-store run into another store: same name, tags, params, every metric point, data set inputs and
/// artifacts. The copy is tagged <c>lightning.pushed_from</c>, so pushing the run again updates that copy (what it
/// misses is added) instead of creating a second one.
/// </summary>
public static class RunExporter
{
    /// <summary>The tag naming the run a pushed copy came from.</summary>
    public const string PushedFromTag = "lightning.pushed_from";

    /// <summary>Creates the run in <paramref name="target"/>, or brings the copy pushed before up to date.</summary>
    public static PushedRun Push(StoredRun run, IRunStore target)
    {
        var tags = new Dictionary<string, string>(run.Tags) { [PushedFromTag] = run.RunId };
        var existing = target.FindRunByTag(run.ExperimentName, PushedFromTag, run.RunId);
        var handle = existing?.Run ?? target.CreateRun(
            new RunRequest(run.ExperimentName, run.RunName, run.Tags.GetValueOrDefault("mlflow.user", "unknown"), run.StartTimeMs, tags));
        var metrics = run.Metrics().ToList();
        var parameters = run.Params.ToList();
        if (existing is not null)
        {
            // Params are write-once in MLflow (a different value is refused with the whole batch): only new ones go.
            parameters = parameters.Where(p => !existing.Params.ContainsKey(p.Key)).ToList();
            metrics = metrics.GroupBy(m => m.Key).SelectMany(group =>
            {
                var held = target.MetricHistory(handle.RunId, group.Key).Select(p => (p.Step, p.TimestampMs, p.Value)).ToHashSet();
                return group.Where(p => !held.Contains((p.Step, p.TimestampMs, p.Value)));
            }).ToList();
        }
        target.LogBatch(handle.RunId, metrics, parameters, existing is null ? [] : tags.ToList());
        if (RunInputs.Read(run.Folder) is { Count: > 0 } inputs) target.LogInputs(handle.RunId, inputs);
        if (Directory.Exists(run.Artifacts))
            foreach (var file in Directory.EnumerateFiles(run.Artifacts, "*", SearchOption.AllDirectories))
                target.UploadArtifact(handle, file, Path.GetRelativePath(run.Artifacts, file).Replace('\\', '/'));
        var status = Enum.TryParse<RunStatus>(run.Status, ignoreCase: true, out var parsed) ? parsed : RunStatus.Finished;
        if (status != RunStatus.Running) target.UpdateRun(handle.RunId, status, run.EndTimeMs ?? run.StartTimeMs);
        return new PushedRun(handle.RunId, existing is not null);
    }
}
