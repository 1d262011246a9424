using System.CommandLine;
using Lightning.Core.Configuration;
using Lightning.Mlflow;
using Lightning.Mlflow.Stores;
using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Running;

namespace Lightning.Cli.Commands;

/// <summary>sweep: tune the project with sweep.yaml; trials are processes of the built app, nested under one parent run.</summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var project = new Option<string?>("--project") { Description = "The project (.csproj or its folder); default: the one in the current folder." };
        var config = new Option<string?>("--config") { Description = "The sweep file (default: the project's sweep.yaml)." };
        var trials = new Option<int?>("--trials") { Description = "Trials in all (default: run_cap, or the grid's size)." };
        var parallel = new Option<int>("--parallel") { Description = "Trials at once (default 1).", DefaultValueFactory = _ => 1 };
        var executor = new Option<string>("--executor") { Description = "local (default) or slurm.", DefaultValueFactory = _ => "local" };
        executor.AcceptOnlyFromAmong("local", "slurm");
        var resume = new Option<string?>("--resume") { Description = "Continue the sweep with this id after its controller died." };
        var slurmArgs = new Option<string?>("--slurm-args") { Description = "Extra sbatch arguments for --executor slurm, e.g. \"--partition=gpu --time=01:00:00\"." };
        var command = new Command("sweep", "Tune hyperparameters with sweep.yaml: grid, random or tpe, with asha or median pruning.")
        {
            project, config, trials, parallel, executor, resume, slurmArgs,
        };
        command.SetAction((result, cancel) =>
        {
            if (result.GetValue(parallel) < 1) throw new CliException($"--parallel {result.GetValue(parallel)} is not allowed: run 1 or more trials at a time.");
            if (result.GetValue(trials) is < 1) throw new CliException($"--trials {result.GetValue(trials)} is not allowed: 1 or more.");
            var app = new ProjectApp(ProjectLocator.Find(result.GetValue(project), Environment.CurrentDirectory));
            var configPath = Path.GetFullPath(result.GetValue(config) ?? Path.Combine(app.Folder, "sweep.yaml"));
            SweepConfig sweep;
            try
            {
                sweep = SweepConfigReader.Read(configPath);
            }
            catch (SweepConfigException problem)
            {
                throw new CliException(problem.Message);
            }
            var path = app.Build(error);
            var target = StoreResolver.Resolve(null, app.Folder);
            using IRunStore store = target.IsServer
                ? new RestStore(new Uri(target.Location), RestOptions.FromEnvironment(), MlflowTracking.LocalRunsRoot(app.Folder))
                : new FileStore(target.Location, error.WriteLine);
            var runner = new SweepRunner(new SweepOptions
            {
                ProjectFolder = app.Folder,
                Config = sweep,
                ConfigPath = configPath,
                // The app's print-config judges keys and values before any trial starts, as a trial's binder would.
                PrintConfig = AppPrintConfig.Of(path, app.Folder),
                Executor = CreateExecutor(result.GetValue(executor)!, path, app.Folder, result.GetValue(slurmArgs)),
                Parallel = result.GetValue(parallel),
                Trials = result.GetValue(trials),
                ResumeId = result.GetValue(resume),
                Store = store,
                Experiment = Experiment(app),
                // In a terminal a live table; redirected (CI, Slurm logs), one plain line per event.
                Output = Console.IsOutputRedirected ? output : TextWriter.Null,
                OnChange = Console.IsOutputRedirected ? null : new LiveTable(output, sweep.Metric).Render,
            });
            SweepResult outcome;
            try
            {
                outcome = runner.Run(cancel);
            }
            catch (InvalidOperationException refused)
            {
                throw new CliException(refused.Message);
            }
            catch (SweepConfigException problem)
            {
                throw new CliException(problem.Message);
            }
            SweepReport.Write(output, outcome, app.Folder, sweep.Metric);
            return Task.FromResult(outcome.StopReason switch
            {
                null => 0,
                SweepStop.Cancelled => 130,
                // The sweep file names a metric the app does not log: a configuration error, like a bad key.
                SweepStop.MetricNotLogged => 2,
                _ => 1,
            });
        });
        return command;
    }

    private static ITrialExecutor CreateExecutor(string kind, string app, string folder, string? slurmArguments)
    {
        if (kind != "slurm") return new LocalExecutor(app, folder, LocalExecutor.CountGpus());
        try
        {
            return new SlurmExecutor(app, folder, (slurmArguments ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        catch (InvalidOperationException unavailable)
        {
            throw new CliException(unavailable.Message);
        }
    }

    private static string Experiment(ProjectApp app)
    {
        var yaml = Path.Combine(app.Folder, "lightning.yaml");
        var configured = File.Exists(yaml) ? ConfigSources.FromYamlFile(yaml).FirstOrDefault(e => e.NormalizedKey == "tracking.experiment")?.Value : null;
        return configured ?? Path.GetFileNameWithoutExtension(app.Project);
    }
}
