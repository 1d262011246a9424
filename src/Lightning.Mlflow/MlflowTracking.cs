using Lightning.Hosting;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow;

/// <summary>Wires MLflow into an app: <c>LightningApp.Run&lt;M, D&gt;(args, new AppHostOptions().UseMlflow())</c>.</summary>
public static class MlflowTracking
{
    /// <summary>Records the app's runs in MLflow: a server, or <c>./mlruns</c> by default; <c>tune lr</c> also logs its plot.</summary>
    public static AppHostOptions UseMlflow(this AppHostOptions host) =>
        host with
        {
            TrackerFactory = (tracking, trainer, project) => Create(tracking, trainer, project, host.Error, host.Output, host.Time),
            LrFindPlot = Plots.LrFindPlot.Render,
            ModelResolver = Models.ModelLoader.ResolveForApp,
        };

    /// <summary>
    /// The tracker for these options; the experiment is <c>tracking.experiment</c>, else <c>MLFLOW_EXPERIMENT_NAME</c>,
    /// else the project name.
    /// </summary>
    /// <param name="tracking">Section <c>tracking</c>.</param>
    /// <param name="trainer">The trainer's options (its root folder).</param>
    /// <param name="project">The project name, the default experiment.</param>
    /// <param name="log">Warnings (standard error).</param>
    /// <param name="output">The closing line of a run that recorded everything (standard output); null: <paramref name="log"/>.</param>
    /// <param name="time">Stamps runs and paces batching and retries; the system clock when null.</param>
    public static ITracker Create(
        TrackingOptions tracking, TrainerOptions trainer, string project, TextWriter log, TextWriter? output = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var target = TrackingTarget.Resolve(tracking.Uri, Environment.GetEnvironmentVariable(TrackingTarget.UriVariable), trainer.DefaultRootDir);
        var store = target.Open(RestOptions.FromEnvironment(), LocalRunsRoot(trainer.DefaultRootDir), log.WriteLine, time);
        var fromEnvironment = Environment.GetEnvironmentVariable("MLFLOW_EXPERIMENT_NAME");
        var experiment = tracking.Experiment ?? (string.IsNullOrEmpty(fromEnvironment) ? project : fromEnvironment);
        return new MlflowTracker(store,
            new MlflowTrackerOptions
            {
                Experiment = experiment, RunName = tracking.RunName, Log = log, Output = output, Time = time,
                RegisterModel = tracking.RegisterModel,
                SystemMetricsInterval = tracking.SystemMetrics ? TimeSpan.FromSeconds(tracking.SystemMetricsIntervalS) : null,
            });
    }

    /// <summary>Where runs on a server keep their local files (checkpoints, spool): <c>.lightning/runs</c> under the root folder.</summary>
    public static string LocalRunsRoot(string rootDirectory) => Path.Combine(Path.GetFullPath(rootDirectory), ".lightning", "runs");
}
