using System.Globalization;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using Lightning.Core.Tuning;
using Lightning.Hosting.Configuration;

namespace Lightning.Hosting;

/// <summary>
/// <c>tune lr</c>: runs the LR finder on the configured module and data, records the curve (and its plot, when the host
/// can draw one) as a run of stage <c>tune</c>, and prints the suggestion with the fit command that uses it.
/// </summary>
internal sealed class LrFindCommand<TBatch>(AppHostOptions host) where TBatch : IBatch<TBatch>
{
    public int Run(AppConfig config, LightningModule<TBatch> module, LightningDataModule<TBatch> data, LrFindRequest request,
        AppInvocation invocation, string project, IReadOnlyDictionary<string, ConfigEntry> sources)
    {
        var issues = new List<ConfigIssue>();
        request.Options.Validate(new ConfigErrors("tune", issues, key => "--" + key["tune.".Length..].Replace('_', '-')));
        if (issues.Count > 0) throw new LightningConfigException(issues);
        var lrKey = request.LrKey ?? Detect(config.Model);
        var options = request.Options;
        host.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LR finder: up to {options.NumTraining} steps from {options.MinLr:G3} to {options.MaxLr:G3} ({Name(options.Mode)})."));

        using var signals = new StopSignals(host.SignalGracePeriod, () => { }, time: host.Time);
        LrFindResult result;
        try
        {
            result = new Tuner(new Trainer(config.Trainer, tracker: null, output: TextWriter.Null)).LrFind(module, data, options, signals.Token);
        }
        catch (OperationCanceledException)
        {
            host.Error.WriteLine("The LR finder was interrupted; it suggests nothing.");
            return ExitCodes.Interrupted;
        }
        using (var tracker = host.TrackerFactory(config.Tracking, config.Trainer, project)) Record(tracker, config, result, options);

        if (result.StoppedEarly) host.Output.WriteLine($"Stopped after {result.LearningRates.Count} steps: the loss diverged.");
        if (result.Suggestion is not { } suggestion)
        {
            host.Error.WriteLine($"The LR finder took {result.LearningRates.Count} steps, too few to suggest a learning rate (it skips the first " +
                                 $"{LrSuggestion.SkipBegin}); raise --num-training, or --early-stop-threshold if the loss diverged early.");
            return ExitCodes.Failed;
        }
        var value = suggestion.ToString("G3", CultureInfo.InvariantCulture);
        host.Output.WriteLine($"Suggested learning rate: {value}");
        host.Output.WriteLine(lrKey is null
            ? "The model's options have no lr or learning_rate; pass --lr-key SECTION.KEY to get the fit command that uses it."
            : $"Train with it: {FitCommand(invocation, lrKey, value)}");
        return ExitCodes.Finished;
    }

    // The user's own overrides carry over, so the fit trains what was tuned; an override of the learning rate itself gives way.
    private static string FitCommand(AppInvocation invocation, string lrKey, string value)
    {
        var parts = new List<string> { "dotnet lightning fit" };
        if (invocation.ConfigFile is { } file) parts.Add($"--config {file}");
        var normalized = KeyNames.Normalize(lrKey);
        parts.AddRange(invocation.Overrides.Where(o => KeyNames.Normalize(o.TrimStart('-').Split('=')[0]) != normalized));
        parts.Add($"--{lrKey}={value}");
        return string.Join(' ', parts);
    }

    // Lightning's update_attr looks for lr or learning_rate on the module; here they are the model options' keys.
    private static string? Detect(object? model) =>
        model?.GetType().GetProperties().Select(p => p.Name).FirstOrDefault(n => KeyNames.Normalize(n) is "lr" or "learningrate") is { } name
            ? "model." + KeyNames.ToSnakeCase(name)
            : null;

    private void Record(ITracker tracker, AppConfig config, LrFindResult result, LrFindOptions options)
    {
        var parameters = config.ToParams();
        parameters["tune/min_lr"] = options.MinLr.ToString("R", CultureInfo.InvariantCulture);
        parameters["tune/max_lr"] = options.MaxLr.ToString("R", CultureInfo.InvariantCulture);
        parameters["tune/num_training"] = options.NumTraining.ToString(CultureInfo.InvariantCulture);
        parameters["tune/mode"] = Name(options.Mode);
        parameters["tune/early_stop_threshold"] = options.EarlyStopThreshold?.ToString("R", CultureInfo.InvariantCulture) ?? "None";
        var tags = AppRunner<TBatch>.RunTags(config.Tracking, AppCommand.Tune, null);
        if (result.Suggestion is { } suggestion) tags["lightning.lr_find.suggestion"] = suggestion.ToString("R", CultureInfo.InvariantCulture);
        tracker.StartRun(new RunStart(config.Tracking.RunName ?? $"tune-{host.Time.GetUtcNow():yyyyMMdd-HHmmss}", parameters, tags));
        var now = host.Time.GetUtcNow().ToUnixTimeMilliseconds();
        tracker.LogMetrics([.. result.LearningRates.SelectMany((lr, step) => new[]
        {
            new MetricPoint("lr_find/lr", lr, step, now),
            new MetricPoint("lr_find/loss", result.Losses[step], step, now),
        })]);
        var plot = Path.Combine(tracker.RunDirectory, "plots", "lr_find.png");
        if (host.LrFindPlot?.Invoke(result, options.Mode, plot) == true) tracker.LogArtifact(plot, "plots/lr_find.png");
        tracker.EndRun(RunStatus.Finished);
        tracker.Flush(TimeSpan.FromSeconds(30));
    }

    private static string Name(LrFindMode mode) => mode == LrFindMode.Exponential ? "exponential" : "linear";
}
