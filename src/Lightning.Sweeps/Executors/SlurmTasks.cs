using System.Globalization;
using Lightning.Core.Configuration;
using Lightning.Core.Training;

namespace Lightning.Sweeps.Executors;

/// <summary>
/// The Slurm tasks one trial's job asks for: a data-parallel trial (<c>trainer.devices</c> N, <c>trainer.num_nodes</c> M
/// among its overrides, strategy not <c>single</c>) is one job of N tasks on each of M nodes whose ranks srun starts,
/// as Lightning's own Slurm launch is, instead of one task that would start mpirun inside a one-task allocation.
/// </summary>
/// <param name="Nodes">Nodes (trainer.num_nodes).</param>
/// <param name="PerNode">Tasks on each node (trainer.devices).</param>
internal sealed record SlurmTasks(int Nodes, int PerNode)
{
    /// <summary>One task, the app started directly.</summary>
    public static SlurmTasks One { get; } = new(1, 1);

    /// <summary>All the ranks of the job.</summary>
    public int Total => Nodes * PerNode;

    /// <summary>The tasks <paramref name="launch"/>'s <c>--key=value</c> arguments ask for; one when they leave devices unset or auto.</summary>
    public static SlurmTasks Of(TrialLaunch launch)
    {
        var devices = Value(launch, "trainer.devices") is { } d && DeviceCount.TryParse(d, CultureInfo.InvariantCulture, out var count)
            ? count.PerNode : 1;
        var nodes = int.TryParse(Value(launch, "trainer.num_nodes"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        var single = string.Equals(Value(launch, "trainer.strategy"), nameof(TrainingStrategy.Single), StringComparison.OrdinalIgnoreCase);
        return single || devices * nodes == 1 ? One : new SlurmTasks(nodes, devices);
    }

    // The last --key=value for key (as the app's binder takes the last), keys matched as the app matches them.
    private static string? Value(TrialLaunch launch, string key)
    {
        var wanted = Normalize(key);
        return launch.Arguments.LastOrDefault(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=')
            && Normalize(a[2..a.IndexOf('=')]) == wanted) is { } argument ? argument[(argument.IndexOf('=') + 1)..] : null;
    }

    private static string Normalize(string key) => string.Join('.', key.Split('.').Select(KeyNames.Normalize));
}
