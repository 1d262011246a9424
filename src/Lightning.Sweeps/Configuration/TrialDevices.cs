using System.Globalization;
using Lightning.Core.Training;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Configuration;

/// <summary>
/// The ranks (one process each) a trial trains on, as the app lays them out: <c>trainer.devices</c> (<c>auto</c> is 1) on
/// each of <c>trainer.num_nodes</c> nodes, or one rank with <c>trainer.strategy: single</c>. A sweep parameter of any of
/// these keys sets it per trial; otherwise the app's own configuration (lightning.yaml, environment) does, as its
/// print-config reported it. The one source of every executor's layout: local slots, Slurm tasks.
/// </summary>
/// <param name="Devices">The app's <c>trainer.devices</c> without the sweep's parameters.</param>
/// <param name="Strategy">The app's <c>trainer.strategy</c> without them.</param>
/// <param name="NumNodes">The app's <c>trainer.num_nodes</c> without them.</param>
public sealed record TrialDevices(string Devices, string Strategy, string NumNodes = "1")
{
    private const string DevicesKey = "trainer.devices";
    private const string StrategyKey = "trainer.strategy";
    private const string NodesKey = "trainer.num_nodes";

    /// <summary>The app's defaults (<c>auto</c>, <c>auto</c>, one node): one rank unless a parameter says otherwise.</summary>
    public static TrialDevices Default { get; } = new("auto", "auto");

    /// <summary>The app's configuration as <c>print-config</c> printed it.</summary>
    /// <exception cref="SweepConfigException">The text is not YAML.</exception>
    public static TrialDevices FromPrintConfig(string yaml) => new(ConfigKeys.Scalar(yaml, DevicesKey) ?? Default.Devices,
        ConfigKeys.Scalar(yaml, StrategyKey) ?? Default.Strategy, ConfigKeys.Scalar(yaml, NodesKey) ?? Default.NumNodes);

    /// <summary>The ranks of a trial with these parameters.</summary>
    public TrialRanks Of(IReadOnlyDictionary<string, object> parameters) =>
        Ranks(Value(parameters, DevicesKey) ?? Devices, Value(parameters, StrategyKey) ?? Strategy, Value(parameters, NodesKey) ?? NumNodes);

    /// <summary>
    /// Throws when a trial could train on more devices than <paramref name="slots"/>: the local executor gives each
    /// device a slot of <c>--parallel</c>, so such a trial could never start.
    /// </summary>
    /// <param name="config">The sweep.</param>
    /// <param name="configPath">The sweep file (the error names it).</param>
    /// <param name="slots">The parallel limit.</param>
    /// <exception cref="SweepConfigException">The widest trial, naming the key, its value and where it comes from.</exception>
    public void CheckFits(SweepConfig config, string configPath, int slots)
    {
        var devices = Candidates(config, DevicesKey, Devices);
        var strategies = Candidates(config, StrategyKey, Strategy);
        var widest = devices.SelectMany(d => strategies.Select(s => (Value: d, Count: Ranks(d, s, NumNodes).PerNode))).MaxBy(c => c.Count);
        if (widest.Count <= slots) return;
        var source = config.Parameters.Any(p => SweepPreflight.SameKey(p.Key, DevicesKey)) ? "a parameter of the sweep" : "the app's configuration";
        throw new SweepConfigException([$"{Path.GetFileName(configPath)}: a trial with {DevicesKey}={widest.Value} ({source}) runs " +
            $"{widest.Count} ranks, one per local slot, but --parallel is {slots}: give --parallel {widest.Count} or more, or fewer devices."]);
    }

    private static string? Value(IReadOnlyDictionary<string, object> parameters, string key) =>
        parameters.FirstOrDefault(p => SweepPreflight.SameKey(p.Key, key)) is { Key: not null } found ? Parameter.Format(found.Value) : null;

    // Every value the key can take: a parameter's listed values or a range's ends (its largest value is one of them), else the app's.
    private static List<string> Candidates(SweepConfig config, string key, string fixedValue) =>
        config.Parameters.FirstOrDefault(p => SweepPreflight.SameKey(p.Key, key)) switch
        {
            null => [fixedValue],
            Numeric range => [Parameter.Format(range.FromInternal(range.InternalLow)), Parameter.Format(range.FromInternal(range.InternalHigh))],
            var listed => [.. listed.Values().Select(Parameter.Format)],
        };

    // A value the app refuses counts as one: print-config has refused it before any trial starts.
    private static TrialRanks Ranks(string devices, string strategy, string nodes)
    {
        if (string.Equals(strategy.Trim(), nameof(TrainingStrategy.Single), StringComparison.OrdinalIgnoreCase)) return TrialRanks.One;
        var perNode = DeviceCount.TryParse(devices, CultureInfo.InvariantCulture, out var count) ? count.PerNode : 1;
        var nodeCount = int.TryParse(nodes.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        return new TrialRanks(nodeCount, perNode);
    }
}
