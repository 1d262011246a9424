using Lightning.Core.Configuration;
using Lightning.Hosting.Configuration;
using Lightning.Hosting;
using Lightning.Mlflow;
using Lightning.Mlflow.Models;
using Lightning.Mlflow.Stores;
using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Running;

namespace Lightning.Cli.Commands;

/// <summary>
/// Runs <c>dotnet lightning sweep</c> in stages: resolve the project and read sweep.yaml, build the app, check the
/// sweep's keys and values against the app's print-config, run the trials, report. Only the failures it expects
/// (a bad sweep file, a sweep that cannot start) become one-line errors with exit code 2.
/// </summary>
internal sealed class SweepHandler(TextWriter output, TextWriter error)
{
    /// <summary>Runs the sweep and returns the tool's exit code.</summary>
    public int Run(SweepArguments arguments, CancellationToken cancel)
    {
        try
        {
            var (app, configPath, sweep) = Resolve(arguments);
            var appPath = app.Build(error);
            // The app's print-config judges keys and values before any trial starts, as a trial's binder would.
            var devices = SweepPreflight.Check(sweep, configPath, AppPrintConfig.Of(appPath, app.Folder));
            var (result, registration) = RunTrials(arguments, app, appPath, configPath, sweep, devices, cancel);
            SweepReport.Write(output, result, app.Folder, sweep.Metric);
            if (registration is { Version: { } version })
                output.WriteLine($"Registered the best trial's model (run {version.RunId}) as version {version.Version} of " +
                    $"'{version.Name}' (models:/{version.Name}/{version.Version}).");
            if (registration is { Problem: { } problem })
            {
                // The report above still stands: the trials ran; only the registration the user asked for is missing.
                error.WriteLine(problem);
                return ExitCodes.Failed;
            }
            return ExitCode(result.Status);
        }
        catch (Exception problem) when (problem is SweepConfigException or SweepRefusedException)
        {
            throw new CliException(problem.Message);
        }
    }

    private static (ProjectApp App, string ConfigPath, SweepConfig Sweep) Resolve(SweepArguments arguments)
    {
        // A name the registry would refuse is said before any trial runs, not after the sweep's hours.
        if (arguments.Register is { } name) CheckModelName(name);
        if (arguments.Parallel < 1) throw new CliException($"--parallel {arguments.Parallel} is not allowed: run 1 or more trials at a time.");
        if (arguments.Trials is < 1) throw new CliException($"--trials {arguments.Trials} is not allowed: 1 or more.");
        var app = new ProjectApp(ProjectLocator.Find(arguments.Project, Environment.CurrentDirectory));
        var configPath = Path.GetFullPath(arguments.Config ?? Path.Combine(app.Folder, "sweep.yaml"));
        return (app, configPath, SweepConfigReader.Read(configPath));
    }

    private (SweepResult Result, Registration? Registration) RunTrials(
        SweepArguments arguments, ProjectApp app, string appPath, string configPath, SweepConfig sweep, TrialDevices devices,
        CancellationToken cancel)
    {
        var target = StoreResolver.Resolve(null, app.Folder);
        using IRunStore store = target.IsServer
            ? new RestStore(new Uri(target.Location), RestOptions.FromEnvironment(), MlflowTracking.LocalRunsRoot(app.Folder))
            : new FileStore(target.Location, error.WriteLine);
        var runner = new SweepRunner(new SweepOptions
        {
            ProjectFolder = app.Folder,
            Config = sweep,
            ConfigPath = configPath,
            Devices = devices,
            Executor = CreateExecutor(arguments, appPath, app.Folder),
            Parallel = arguments.Parallel,
            Trials = arguments.Trials,
            ResumeId = arguments.Resume,
            Store = store,
            Experiment = Experiment(app),
            // In a terminal a live table; redirected (CI, Slurm logs), one plain line per event.
            Output = Console.IsOutputRedirected ? output : TextWriter.Null,
            OnChange = Console.IsOutputRedirected ? null : new LiveTable(output, sweep.Metric).Render,
        });
        var result = runner.Run(cancel);
        return (result, arguments.Register is { } name ? RegisterBest(store, result, name) : null);
    }

    // Only a sweep that ran its trials registers: an interrupted or failed one has no settled best.
    private static Registration? RegisterBest(IRunStore store, SweepResult result, string name)
    {
        if (result.Status != SweepStatus.Completed) return null;
        if (result.BestRunId is not { } runId)
            return new(null, $"--register {name}: no finished trial recorded a run with a value of the metric, so nothing was registered.");
        try
        {
            return new(RunModelRegistration.Register(store, runId, name), null);
        }
        catch (MlflowException error)
        {
            return new(null, $"The sweep finished, but the best trial's model (run {runId}) was not registered as '{name}': {error.Message}");
        }
    }

    // What --register did: the new version, or why there is none.
    private sealed record Registration(ModelVersion? Version, string? Problem);

    private static void CheckModelName(string name)
    {
        try
        {
            RegistryNames.Model(name);
        }
        catch (MlflowException error)
        {
            throw new CliException($"--register: {error.Message}");
        }
    }

    private static int ExitCode(SweepStatus status) => status switch
    {
        SweepStatus.Completed => ExitCodes.Finished,
        SweepStatus.Cancelled => ExitCodes.Interrupted,
        // The sweep file names a metric the app does not log: a configuration error, like a bad key.
        SweepStatus.MetricNotLogged => ExitCodes.Usage,
        _ => ExitCodes.Failed,
    };

    private static ITrialExecutor CreateExecutor(SweepArguments arguments, string appPath, string folder) => arguments.Executor == SweepCommand.Slurm
        ? new SlurmExecutor(appPath, folder, (arguments.SlurmArguments ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        : new LocalExecutor(appPath, folder, LocalExecutor.CountGpus());

    private static string Experiment(ProjectApp app)
    {
        var yaml = Path.Combine(app.Folder, "lightning.yaml");
        var configured = File.Exists(yaml)
            ? ConfigSources.FromYamlFile(yaml).FirstOrDefault(e => e.NormalizedKey == "tracking.experiment")?.Value
            : null;
        return configured ?? Path.GetFileNameWithoutExtension(app.Project);
    }
}
