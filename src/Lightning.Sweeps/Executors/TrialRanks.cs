namespace Lightning.Sweeps.Executors;

/// <summary>
/// The ranks (one process each) a trial trains on, as the app lays them out: <c>trainer.devices</c> on each of
/// <c>trainer.num_nodes</c> nodes. A local trial takes one parallel slot per rank of its node; a Slurm trial is one job of that many tasks.
/// </summary>
/// <param name="Nodes">Nodes (trainer.num_nodes).</param>
/// <param name="PerNode">Ranks on each node (trainer.devices).</param>
public sealed record TrialRanks(int Nodes, int PerNode)
{
    /// <summary>One rank: the app started as a plain process.</summary>
    public static TrialRanks One { get; } = new(1, 1);

    /// <summary>All the ranks of the trial.</summary>
    public int Total => Nodes * PerNode;
}
