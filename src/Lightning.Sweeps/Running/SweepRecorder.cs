using System.Globalization;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using Lightning.Sweeps.Spaces;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Running;

/// <summary>Records the sweep as a parent MLflow run (its space as params, its outcome as metrics and tags) under which the trials nest.</summary>
internal sealed class SweepRecorder(SweepOptions options)
{
    /// <summary>Creates the parent run unless there is no store or a resumed sweep already has one.</summary>
    public void Start(SweepState state)
    {
        if (options.Store is not { } store || state.ParentRunId is not null) return;
        var tags = new Dictionary<string, string>
        {
            ["sweep.id"] = state.Id, ["mlflow.source.type"] = "LOCAL", ["mlflow.user"] = Environment.UserName,
        };
        var run = store.CreateRun(new RunRequest(options.Experiment, $"sweep-{state.Id}", Environment.UserName, Now(), tags));
        state.ParentRunId = run.RunId;
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("sweep/method", options.Config.Method), new("sweep/metric", options.Config.Metric),
            new("sweep/goal", options.Config.Goal.ToString().ToLowerInvariant()),
            new("sweep/trials", state.Planned.ToString(CultureInfo.InvariantCulture)),
            new("sweep/seed", options.Config.Seed.ToString(CultureInfo.InvariantCulture)),
        };
        parameters.AddRange(options.Config.Parameters.Select(p => KeyValuePair.Create("sweep/space/" + p.Key, Describe(p))));
        store.LogBatch(run.RunId, [], parameters, []);
        store.UploadArtifact(run, options.ConfigPath, "sweep.yaml");
    }

    /// <summary>Logs the trial counts and the best trial, and ends the parent run as the sweep ended.</summary>
    public void End(SweepState state, SweepResult result)
    {
        if (options.Store is not { } store || state.ParentRunId is not { } parentId) return;
        var now = Now();
        var metrics = new List<MetricPoint>
        {
            new("trials_finished", result.Finished, 0, now), new("trials_pruned", result.Pruned, 0, now), new("trials_failed", result.Failed, 0, now),
        };
        if (result.BestValue is { } value) metrics.Add(new MetricPoint("best_" + options.Config.Metric, value, 0, now));
        var tags = result.BestParams.Select(p => KeyValuePair.Create("best." + p.Key, Parameter.Format(p.Value))).ToList();
        if (result.BestTrial is { } bestTrial) tags.Add(KeyValuePair.Create("best.trial", bestTrial.ToString(CultureInfo.InvariantCulture)));
        store.LogBatch(parentId, metrics, [], tags);
        var status = result.Status switch
        {
            SweepStatus.Completed => RunStatus.Finished,
            SweepStatus.Cancelled => RunStatus.Killed,
            _ => RunStatus.Failed,
        };
        store.UpdateRun(parentId, status, now);
    }

    private long Now() => options.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Describe(Parameter parameter) => parameter switch
    {
        Categorical c => "values " + string.Join(",", c.Choices.Select(Parameter.Format)),
        Constant c => "value " + Parameter.Format(c.Value),
        Numeric n => string.Create(CultureInfo.InvariantCulture,
            $"{(n.Log ? "log_uniform_values" : n.IsInteger ? "int_uniform" : n.Step is null ? "uniform" : "q_uniform")} " +
            $"{n.Low}..{n.High}{(n.Step is { } q ? $" q={q}" : "")}"),
        _ => parameter.ToString(),
    };
}
