using Lightning.Core.Tracking;
using Lightning.Core.Training;

namespace Lightning.Hosting;

/// <summary>How the app host is wired: its output and where runs are recorded.</summary>
public sealed record AppHostOptions
{
    // The app host is the process edge: the console is its to hand out (the ban on Console is for the libraries).
#pragma warning disable RS0030
    /// <summary>Standard output (progress, summaries, print-config).</summary>
    public TextWriter Output { get; init; } = Console.Out;

    /// <summary>Standard error (errors).</summary>
    public TextWriter Error { get; init; } = Console.Error;

#pragma warning restore RS0030

    /// <summary>Whether <see cref="Output"/> is a terminal (live progress) or redirected (plain lines).</summary>
    public bool OutputIsTerminal { get; init; } = TerminalOutput.Detect();

    /// <summary>
    /// Creates the tracker for a run from the tracking and trainer options and the project name. Default: a
    /// <see cref="CsvTracker"/> under <c>trainer.default_root_dir</c>; a tracking package replaces it.
    /// </summary>
    public Func<TrackingOptions, TrainerOptions, string, ITracker> TrackerFactory { get; init; } = DefaultTracker;

    /// <summary>
    /// Brings a logged model (<c>predict --model URI</c>) from the store the tracking and trainer options name into a
    /// local folder with <c>model.safetensors</c> and <c>config.yaml</c>, and gives the weights' recorded SHA-256;
    /// null: only folders are understood. A tracking package that has a model registry sets it.
    /// </summary>
    public Func<string, TrackingOptions, TrainerOptions, ResolvedModel>? ModelResolver { get; init; }

    /// <summary>The project's own callbacks, added to those lightning.yaml configures.</summary>
    public IReadOnlyList<Core.Callbacks.Callback> Callbacks { get; init; } = [];

    /// <summary>
    /// Behaviour for the environments the app may run in, each adding its callbacks and reading the fit's outcome.
    /// Default: a sweep trial (active when a sweep controller started the app) and a Slurm requeue on SIGUSR1.
    /// </summary>
    public IReadOnlyList<IAppHostExtension> Extensions { get; init; } = [new SweepTrialExtension(), new ClusterRequeueExtension()];

    /// <summary>
    /// Draws the LR finder's curve (result, sweep mode, PNG path) and says whether it did; a tracking package with a
    /// plotting library sets it. Null: <c>tune lr</c> records the curve as metrics only.
    /// </summary>
    public Func<Core.Tuning.LrFindResult, Core.Tuning.LrFindMode, string, bool>? LrFindPlot { get; init; }

    /// <summary>The clock for run names, error-log names and a sweep trial's decision waits.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Grace period between a stop signal and a forced exit, for the checkpoint to be written.</summary>
    public TimeSpan SignalGracePeriod { get; init; } = TimeSpan.FromSeconds(120);

    private static ITracker DefaultTracker(TrackingOptions tracking, TrainerOptions trainer, string project)
    {
        if (tracking.Uri is { } uri)
            throw new Core.Configuration.LightningConfigException([new Core.Configuration.ConfigIssue("tracking.uri", uri, "configuration",
                "needs a tracking package: this app records runs as CSV under trainer.default_root_dir. " +
                "Remove tracking.uri, or wire an MLflow tracker through AppHostOptions.TrackerFactory.")]);
        return new CsvTracker(trainer.DefaultRootDir);
    }
}
