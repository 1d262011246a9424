using Lightning.Mlflow.Stores;
using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;

namespace Lightning.Sweeps.Running;

/// <summary>What a sweep needs: the project, its configuration, how trials run, and where the parent run goes.</summary>
public sealed record SweepOptions
{
    /// <summary>The project folder (its app runs there; state goes to .lightning/sweeps/).</summary>
    public required string ProjectFolder { get; init; }

    /// <summary>The parsed sweep.yaml.</summary>
    public required SweepConfig Config { get; init; }

    /// <summary>The sweep file actually used (stored with the parent run; messages name it).</summary>
    public required string ConfigPath { get; init; }

    /// <summary>The app's print-config, to check the parameters' keys and values before anything starts; null checks nothing.</summary>
    public Configuration.PrintConfig? PrintConfig { get; init; }

    /// <summary>
    /// The devices the app's own configuration gives a trial, as <see cref="Configuration.SweepPreflight.Check"/> found them;
    /// taken from <see cref="PrintConfig"/> when that is given. Default: one device unless a parameter sets <c>trainer.devices</c>.
    /// </summary>
    public Configuration.TrialDevices Devices { get; init; } = Configuration.TrialDevices.Default;

    /// <summary>Starts the trials.</summary>
    public required ITrialExecutor Executor { get; init; }

    /// <summary>Trials at once, or local slots: a local trial on N devices takes N of them. Default 1.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Trials in all; default run_cap, or the grid's size.</summary>
    public int? Trials { get; init; }

    /// <summary>Continue this sweep instead of starting one.</summary>
    public string? ResumeId { get; init; }

    /// <summary>The tracking store for the parent run, or null to record none.</summary>
    public IRunStore? Store { get; init; }

    /// <summary>The experiment the trials record into (the parent run goes there too).</summary>
    public string Experiment { get; init; } = "sweeps";

    /// <summary>When the first this-many trials all fail, the sweep stops. Default 3.</summary>
    public int FailFast { get; init; } = 3;

    /// <summary>Where progress lines go.</summary>
    public TextWriter Output { get; init; } = TextWriter.Null;

    /// <summary>Called with every trial after each change (a live table in a terminal); null for none.</summary>
    public Action<IReadOnlyList<TrialSnapshot>>? OnChange { get; init; }

    /// <summary>The clock for polling, sweep ids and the parent run's times; tests pass a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often running trials are polled; a trial waiting at a decision epoch waits about half this long on average.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}
