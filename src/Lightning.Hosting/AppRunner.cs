using System.Globalization;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Native;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using Lightning.Hosting.Configuration;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Lightning.Hosting;

/// <summary>
/// Resolves the configuration, builds module, data module, tracker and trainer, runs the command and maps the outcome
/// to an exit code.
/// </summary>
internal sealed class AppRunner<TBatch>(Type moduleType, Type dataType, AppHostOptions host) : IAppRunner where TBatch : IBatch<TBatch>
{
    private readonly ComponentFactory _module = new(moduleType, "model");
    private readonly ComponentFactory _data = new(dataType, "data");
    private ITracker? _tracker;
    // The trainer built for this command: read by the log-model callback and, on the signal's thread, the launcher deadline.
    private volatile Trainer? _trainer;
    private string _rootDir = ".";
    private IReadOnlyDictionary<string, ConfigEntry> _sources = new Dictionary<string, ConfigEntry>();

    /// <inheritdoc />
    public int ReportFailure(Exception error, AppInvocation invocation)
    {
        var report = new FailureReport(UserAssemblies(), host.Time);
        var log = report.WriteLog(LogFolder(), FailureReport.Unwrap(error), Environment.GetCommandLineArgs().Skip(1));
        host.Error.WriteLine(report.Describe(error, AppCommandLine.NameOf(invocation.Command)));
        if (invocation.Verbose) host.Error.WriteLine(FailureReport.Unwrap(error).ToString());
        else if (log is not null) host.Error.WriteLine($"The full trace is in {log}; add --verbose to print it.");
        return ExitCodes.Failed;
    }

    // The run's folder once it has one, so the trace is kept with the run; before, the project's.
    private string LogFolder() =>
        _tracker is { RunId: not null } tracker && tracker.RunDirectory.Length > 0
            ? tracker.RunDirectory
            : Path.Combine(_rootDir, ".lightning", "logs");

    // A rank of a data-parallel fit ends the job itself, so ReportFailure never runs there: it gets the same wording and log.
    private string DescribeRankFailure(Exception error, AppInvocation invocation)
    {
        var report = new FailureReport(UserAssemblies(), host.Time);
        var log = report.WriteLog(LogFolder(), FailureReport.Unwrap(error), Environment.GetCommandLineArgs().Skip(1));
        var description = report.Describe(error, AppCommandLine.NameOf(invocation.Command)).TrimEnd();
        if (log is null) return description;
        return $"{description}{(description.EndsWith('.') ? "" : ".")} The full trace is in {log}.";
    }

    public int Run(AppInvocation invocation)
    {
        if (invocation.Command == AppCommand.Doctor) return Doctor();
        // As Lightning's rank_zero_only: under a launcher only rank 0 says what happens; the others' errors still show.
        if (Core.Distributed.LaunchEnvironment.Detect() is { Rank: > 0 }) host = host with { Output = TextWriter.Null };
        var config = ResolveConfig(invocation);
        // A logged model (from the app's own tracking store) brings its model options, which the weights need; the
        // project's layers still win.
        var model = invocation.ModelUri is { } uri ? ResolveModel(uri, config) : null;
        if (model is not null) config = ResolveConfig(invocation, model);
        if (invocation.Command == AppCommand.PrintConfig)
        {
            host.Output.Write(config.ToYaml());
            return ExitCodes.Finished;
        }
        if (invocation.Command == AppCommand.Fit && MpiRelaunch.Wanted(config.Trainer))
        {
            // What every rank would refuse is refused here, once, before mpirun starts and adds its own banner.
            RequireOneSourceOfWeights(invocation.ModelUri, CheckpointLocator.Resolve(invocation.CheckpointPath, CheckpointRoots(config)));
            CheckDevicesOfThisNode(config.Trainer);
            return MpiRelaunch.Run(config.Trainer, SourceOf, host.Output, host.OutputIsTerminal, host.Time);
        }
        // Only fit shards its data across ranks; an evaluation or prediction from a plain process runs in it alone.
        if (invocation.Command != AppCommand.Fit && MpiRelaunch.Wanted(config.Trainer))
        {
            host.Output.WriteLine($"'{AppCommandLine.NameOf(invocation.Command)}' runs in this one process: trainer.devices " +
                                  $"{config.Trainer.Devices} applies to fit only.");
            config = config with { Trainer = config.Trainer with { Devices = DeviceCount.Auto, NumNodes = 1 } };
        }
        _rootDir = config.Trainer.DefaultRootDir;
        TorchNative.EnsureLoadable();
        var checkpoint = CheckpointLocator.Resolve(invocation.CheckpointPath, CheckpointRoots(config));
        RequireOneSourceOfWeights(invocation.ModelUri, checkpoint);
        if (checkpoint is null && model is null && invocation.Command is AppCommand.Validate or AppCommand.Test or AppCommand.Predict)
            WarnUntrained(invocation.Command, config);
        // 'last' and 'best' resolve to a file of some run: say which, so a result is never of an unknown checkpoint.
        if (checkpoint is not null)
            host.Output.WriteLine(invocation.Command == AppCommand.Fit
                ? $"Resuming from {Path.GetRelativePath(Environment.CurrentDirectory, checkpoint)}."
                : $"Using the weights of {Path.GetRelativePath(Environment.CurrentDirectory, checkpoint)}.");
        // Seeded before the module exists, so weight initialisation is reproducible too (as LightningCLI does).
        config = config with { Trainer = config.Trainer with { Seed = config.Trainer.Seed ?? Random.Shared.NextInt64(0, int.MaxValue) } };
        Reproducibility.SeedEverything(config.Trainer.Seed!.Value);
        var module = (LightningModule<TBatch>)_module.Create(config.Model);
        if (config.Model is not null && module.Hyperparameters.Count == 0) module.SaveHyperparameters(config.Model);
        var data = (LightningDataModule<TBatch>)_data.Create(config.Data);
        if (model is not null)
        {
            Core.Checkpoints.ModelWeights.LoadInto(module, Path.Combine(model.Folder, ModelPackage.WeightsFile), model.WeightsSha256);
            host.Output.WriteLine($"Using the weights of {model.Description}.");
        }
        if (invocation.LrFind is { } lrFind)
            return new LrFindCommand<TBatch>(host).Run(config, module, data, lrFind, invocation, _module.ProjectName, _sources);

        // One writer per events file: the ranks of a data-parallel job other than 0 would repeat rank 0's lines.
        using var events = new EventsFile(Core.Distributed.LaunchEnvironment.Detect() is { Rank: not 0 } ? null : invocation.EventsPath);
        using var tracker = host.TrackerFactory(config.Tracking, config.Trainer, _module.ProjectName);
        _tracker = tracker;
        // The signal handler reaches the context the extensions subscribed to, which needs the signals' token.
        AppHostContext? context = null;
        using var signals = new StopSignals(host.SignalGracePeriod, () => context?.RequestRequeue(), MpirunDeadline(), host.Time);
        context = new AppHostContext(invocation.EventsPath, signals.Token, host.Error, host.Time);
        var callbacks = host.Callbacks.Concat(config.Callbacks.Create()).Append(new EventsCallback(events, config.ToYaml()))
            .Concat(host.Extensions.SelectMany(e => e.CreateCallbacks(context))).Append(new SignalHonoured(signals)).ToList();
        if (config.Trainer.EnableProgressBar)
            callbacks.Add(new Core.Callbacks.ProgressBar(host.Output, Core.Callbacks.ProgressModeSetting.Choose(host.OutputIsTerminal,
                Environment.GetEnvironmentVariable(Core.Callbacks.ProgressModeSetting.Variable))));
        if (invocation.Command == AppCommand.Fit && config.Tracking.LogModel != LogModelMode.None)
            callbacks.Add(new LogModelCallback<TBatch>(config.Tracking.LogModel, config.ToYaml(),
                () => _trainer!.Callbacks.OfType<Core.Callbacks.ModelCheckpoint>(), () => data.ValidationLoader() ?? data.TrainLoader()));
        // callbacks.model_checkpoint.enabled=false must also stop the trainer from adding its default checkpoint.
        var trainerOptions = config.Callbacks.ModelCheckpoint.Enabled ? config.Trainer : config.Trainer with { EnableCheckpointing = false };
        try
        {
            // The trainer checks its options against the launch (devices x num_nodes against mpirun -np) as it is built.
            var trainer = new Trainer(trainerOptions, callbacks, tracker, host.Output)
            {
                Run = new RunStart(config.Tracking.RunName ?? $"{AppCommandLine.NameOf(invocation.Command)}-{host.Time.GetUtcNow():yyyyMMdd-HHmmss}",
                    config.ToParams(), RunTags(config.Tracking, invocation.Command, checkpoint ?? model?.Description)),
                DescribeFailure = error => DescribeRankFailure(error, invocation),
            };
            _trainer = trainer;
            return invocation.Command switch
            {
                AppCommand.Fit => Fit(trainer, module, data, checkpoint, events, invocation, signals.Token),
                AppCommand.Validate => Evaluate(trainer.Validate(module, data, checkpoint, signals.Token), "Validation", signals.Token),
                AppCommand.Test => Evaluate(trainer.Test(module, data, checkpoint, signals.Token), "Test", signals.Token),
                _ => Predict(trainer, module, data, checkpoint,
                    invocation.PredictionsPath ?? Path.Combine(config.Trainer.DefaultRootDir, "predictions.safetensors"), signals.Token),
            };
        }
        catch (LightningConfigException error)
        {
            // The trainer and callbacks find some problems (a cadence the epochs cannot hold, a monitor never logged)
            // without knowing where the value came from; the sources read here do.
            throw new LightningConfigException([.. error.Issues.Select(WithSource)]);
        }
    }

    // Open MPI's mpirun sends SIGTERM to every rank when one dies or the job is interrupted, and SIGKILL a moment later
    // (odls_base_sigkill_timeout): a rank that cannot reach a step boundary by then exits on its own first.
    private LauncherDeadline? MpirunDeadline() =>
        Core.Distributed.LaunchEnvironment.Detect() is { Launcher: "Open MPI", WorldSize: > 1 } launch
            ? new LauncherDeadline(OpenMpiKillDelay.ExitBefore(Environment.GetEnvironmentVariable), () => BeatLauncherKill(launch.Rank),
                () => _trainer?.OtherRankFailure is not null)
            : null;

    // Rank 0 speaks for the job, as everywhere else. A rank that failed told rank 0 why, and rank 0's run is already
    // FAILED with it; otherwise (a rank was killed, or the job interrupted) the exit handler records KILLED.
    private int BeatLauncherKill(int rank)
    {
        // The training thread waits in a collective that will not end: finalizing MPI at exit would wait for it too.
        Core.Distributed.ProcessGroups.Abandon();
        if (rank != 0) return ExitCodes.Interrupted;
        if (_trainer?.OtherRankFailure is not null) return ExitCodes.Failed;
        host.Error.WriteLine("Stopping before mpirun's SIGKILL: the step did not end, so a rank is not answering " +
                             "(if one failed, mpirun's message names it); the run is recorded as KILLED. --ckpt-path last " +
                             "resumes from the last checkpoint every rank reached, if one was saved.");
        return ExitCodes.Interrupted;
    }

    private static void RequireOneSourceOfWeights(string? modelUri, string? checkpoint)
    {
        if (modelUri is not null && checkpoint is not null)
            throw new LightningConfigException([new ConfigIssue("--model", modelUri, "command line",
                "cannot be combined with --ckpt-path: give one source of weights.")]);
    }

    private void CheckDevicesOfThisNode(TrainerOptions trainer)
    {
        try
        {
            Trainer.CheckDevicesOfThisNode(trainer);
        }
        catch (LightningConfigException error)
        {
            throw new LightningConfigException([.. error.Issues.Select(WithSource)]);
        }
    }

    private string SourceOf(string key) =>
        _sources.TryGetValue(string.Join('.', key.Split('.').Select(KeyNames.Normalize)), out var entry) ? entry.Source : "defaults";

    private ConfigIssue WithSource(ConfigIssue issue)
    {
        var key = string.Join('.', issue.Key.Split('.').Select(KeyNames.Normalize));
        return _sources.TryGetValue(key, out var entry) ? issue with { Source = entry.Source } : issue;
    }

    private int Doctor()
    {
        var findings = NativeDiagnostics.Check();
        foreach (var finding in findings) host.Output.WriteLine($"{(finding.Ok ? "ok  " : "FAIL")} {finding.Name}: {finding.Detail}");
        return findings.All(f => f.Ok) ? ExitCodes.Finished : ExitCodes.Failed;
    }

    // Stage and checkpoint tell a test or validate run from a fit run in the store, and show what was evaluated.
    internal static Dictionary<string, string> RunTags(TrackingOptions tracking, AppCommand command, string? checkpoint)
    {
        var tags = SystemTags.Collect(tracking.RunName, Environment.CurrentDirectory);
        tags["lightning.stage"] = AppCommandLine.NameOf(command);
        if (command is not (AppCommand.Fit or AppCommand.Tune)) tags["lightning.checkpoint"] = checkpoint ?? "none (initial weights)";
        if (tracking.ParentRunId is { } parent) tags["mlflow.parentRunId"] = parent;
        foreach (var (key, value) in tracking.TagPairs()) tags[key] = value;
        return tags;
    }

    private ResolvedModel ResolveModel(string uri, AppConfig config)
    {
        if (host.ModelResolver is null && Directory.Exists(uri)) return new ResolvedModel(Path.GetFullPath(uri), null, Path.GetFullPath(uri));
        return host.ModelResolver?.Invoke(uri, config.Tracking, config.Trainer)
            ?? throw new LightningConfigException([new ConfigIssue("--model", uri, "command line",
            "is not a folder, and this app has no model registry: use a folder with model.safetensors, or wire MLflow (UseMlflow).")]);
    }

    private AppConfig ResolveConfig(AppInvocation invocation, ResolvedModel? model = null)
    {
        var file = invocation.ConfigFile ?? (File.Exists("lightning.yaml") ? "lightning.yaml" : null);
        var modelConfig = model is null ? null : Path.Combine(model.Folder, ModelPackage.ConfigFile);
        var entries = ConfigSources.Merge(
            modelConfig is not null && File.Exists(modelConfig)
                ? [.. ConfigSources.FromYamlFile(modelConfig).Where(e => e.NormalizedKey.StartsWith("model.", StringComparison.Ordinal))]
                : [],
            file is null ? [] : ConfigSources.FromYamlFile(file),
            ConfigSources.FromEnvironment(Environment.GetEnvironmentVariables()),
            ConfigSources.FromArguments(invocation.Overrides, AppCommandLine.KnownOptions));
        _sources = entries;
        var binder = new ConfigBinder(entries);
        var config = new AppConfig(
            binder.Bind<TrainerOptions>("trainer"),
            _module.BindOptions(binder),
            _data.BindOptions(binder),
            binder.Bind<TrackingOptions>("tracking"),
            binder.Bind<CallbacksOptions>("callbacks"));
        binder.Complete(config.Sections());
        return config;
    }

    private int Fit(
        Trainer trainer, LightningModule<TBatch> module, LightningDataModule<TBatch> data, string? checkpoint, EventsFile events,
        AppInvocation invocation, CancellationToken stop)
    {
        var result = trainer.Fit(module, data, checkpoint, stop);
        result = host.Extensions.Aggregate(result, (mapped, extension) => extension.MapResult(mapped));
        var status = result.Outcome switch
        {
            RunOutcome.Finished => RunFinishedStatus.Finished,
            RunOutcome.Failed => RunFinishedStatus.Failed,
            RunOutcome.Stopped => RunFinishedStatus.Pruned,
            _ => RunFinishedStatus.Killed,
        };
        events.Write(new RunFinished(status, EventsCallback.Best(trainer.Callbacks), result.Metrics, result.Message));
        switch (result.Outcome)
        {
            case RunOutcome.Failed when result.Error is { } error:
                // Errors in the input (configuration, data, checkpoint) keep their own exit code and one-line form.
                if (error is LightningConfigException or DataException or Core.Checkpoints.CheckpointException) throw error;
                return ReportFailure(error, invocation);
            case RunOutcome.Failed:
                host.Error.WriteLine($"Training failed: {result.Message}");
                return ExitCodes.Failed;
            case RunOutcome.Interrupted:
                // Progress lines count epochs from 1; so does this one (checkpoint file names keep Lightning's 0-based epoch).
                // Every rank stops at the same step, so rank 0 says it for all.
                if (trainer.ProcessGroup.Rank == 0)
                    host.Error.WriteLine($"Interrupted during epoch {result.Epochs + 1} at step {result.GlobalStep}; resume with --ckpt-path last.");
                return ExitCodes.Interrupted;
            case RunOutcome.Stopped:
                return ExitCodes.Stopped;
            default:
                // Where the run was recorded, and what did not get there, is the tracker's closing line to say.
                if (trainer.Tracker.RunId is { } runId) host.Output.WriteLine($"Run {runId}: its files are in {trainer.Tracker.RunDirectory}");
                return ExitCodes.Finished;
        }
    }

    private int Evaluate(IReadOnlyDictionary<string, double> metrics, string title, CancellationToken stop)
    {
        if (stop.IsCancellationRequested)
        {
            host.Error.WriteLine($"{title} was interrupted before its last batch; no metrics are reported (a partial mean is not the data set's).");
            return ExitCodes.Interrupted;
        }
        host.Output.WriteLine($"{title} metrics:");
        foreach (var (name, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            host.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name} = {value:G6}"));
        return ExitCodes.Finished;
    }

    private int Predict(
        Trainer trainer, LightningModule<TBatch> module, LightningDataModule<TBatch> data, string? checkpoint, string output, CancellationToken stop)
    {
        var predictions = trainer.Predict(module, data, checkpoint, stop);
        using var scope = NewDisposeScope();
        var all = cat(predictions.ToList(), 0);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        Safetensors.SaveStateDict(output, new Dictionary<string, Tensor> { ["predictions"] = all.contiguous() });
        host.Output.WriteLine($"Saved {all.shape[0]} predictions to {Path.GetFullPath(output)}");
        foreach (var prediction in predictions) prediction.Dispose();
        return ExitCodes.Finished;
    }

    private void WarnUntrained(AppCommand command, AppConfig config)
    {
        if (!CheckpointLocator.Exists(CheckpointRoots(config))) return;
        var name = AppCommandLine.NameOf(command);
        host.Error.WriteLine(OutputLines.Warning(
            $"{name} runs on the model's initial, untrained weights: no --ckpt-path was given, but this project has checkpoints. " +
            $"Pass --ckpt-path best (or last, or a .ckpt file) to {name} the trained model; with MSBuild: -p:CkptPath=best."));
    }


    // The assemblies whose frames name "where" a failure happened: the app's, never the engine's or TorchSharp's.
    private HashSet<System.Reflection.Assembly> UserAssemblies()
    {
        var assemblies = new HashSet<System.Reflection.Assembly> { moduleType.Assembly, dataType.Assembly };
        foreach (var callback in host.Callbacks) assemblies.Add(callback.GetType().Assembly);
        if (System.Reflection.Assembly.GetEntryAssembly() is { } entry) assemblies.Add(entry);
        assemblies.Remove(typeof(AppRunner<>).Assembly);
        return assemblies;
    }

    // Where trackers keep run folders: CSV (lightning_logs), the MLflow file store (mlruns) and MLflow server runs (.lightning/runs).
    private static IEnumerable<string> CheckpointRoots(AppConfig config)
    {
        if (config.Callbacks.ModelCheckpoint.DirPath is { } folder) yield return folder;
        foreach (var root in new[] { "lightning_logs", "mlruns", Path.Combine(".lightning", "runs") })
            yield return Path.Combine(config.Trainer.DefaultRootDir, root);
    }
}
