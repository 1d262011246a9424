namespace Lightning.Mlflow.Stores;

/// <summary>Copies a file-store run into another store (a server): same name, tags, params, every metric point and artifact.</summary>
public static class RunExporter
{
    /// <summary>Creates the run in <paramref name="target"/> and returns its id there.</summary>
    public static string Push(StoredRun run, IRunStore target)
    {
        var tags = new Dictionary<string, string>(run.Tags) { ["lightning.pushed_from"] = run.RunId };
        var created = target.CreateRun(
            new RunRequest(run.ExperimentName, run.RunName, run.Tags.GetValueOrDefault("mlflow.user", "unknown"), run.StartTimeMs, tags));
        target.LogBatch(created.RunId, run.Metrics().ToList(), run.Params.ToList(), []);
        if (Directory.Exists(run.Artifacts))
            foreach (var file in Directory.EnumerateFiles(run.Artifacts, "*", SearchOption.AllDirectories))
                target.UploadArtifact(created, file, Path.GetRelativePath(run.Artifacts, file).Replace('\\', '/'));
        var status = Enum.TryParse<Core.Tracking.RunStatus>(run.Status, ignoreCase: true, out var parsed) ? parsed : Core.Tracking.RunStatus.Finished;
        if (status != Core.Tracking.RunStatus.Running) target.UpdateRun(created.RunId, status, run.EndTimeMs ?? run.StartTimeMs);
        return created.RunId;
    }
}
