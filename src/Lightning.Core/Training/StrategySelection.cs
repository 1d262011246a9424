using System.Globalization;
using Lightning.Core.Configuration;
using Lightning.Core.Distributed;

namespace Lightning.Core.Training;

/// <summary>Turns <see cref="TrainerOptions.Strategy"/> into the process group a trainer runs in.</summary>
internal static class StrategySelection
{
    /// <summary>The strategy auto means for this process: ddp when launched as one rank of several, else single.</summary>
    public static TrainingStrategy Resolve(TrainingStrategy strategy) => Resolve(strategy, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="Resolve(TrainingStrategy)"/>, reading the environment through <paramref name="variable"/>.</summary>
    public static TrainingStrategy Resolve(TrainingStrategy strategy, Func<string, string?> variable) => strategy switch
    {
        // As ProcessGroups.Create: a launch that does not say its size is taken as several ranks (MPI_Comm_size tells).
        TrainingStrategy.Auto => LaunchEnvironment.Detect(variable) is { WorldSize: not 1 } ? TrainingStrategy.Ddp : TrainingStrategy.Single,
        _ => strategy,
    };

    /// <summary>
    /// Throws when devices x num_nodes, given, disagree with the processes the launcher started (mpirun -np, srun -n):
    /// a job of another size would train on other shards and batch sizes than the configuration says.
    /// </summary>
    /// <exception cref="LightningConfigException">The two counts differ.</exception>
    public static void CheckWorldSize(TrainerOptions options, IProcessGroup group)
    {
        CheckNodes(options, group);
        if (options.Devices.IsAuto && options.NumNodes == 1) return;
        var configured = options.Devices.PerNode * options.NumNodes;
        if (configured == group.WorldSize) return;
        var launch = group.WorldSize == 1
            ? "this process was started alone: run the app without a launcher (it starts mpirun itself) or under mpirun/srun with that count"
            : $"the launcher started {group.WorldSize} processes (mpirun -np, srun -n): make the two agree";
        throw new LightningConfigException([new ConfigIssue("trainer.devices", options.Devices.ToString(), "trainer options",
            $"devices {options.Devices} x num_nodes {options.NumNodes} = {configured} processes, but {launch}.")]);
    }

    // num_nodes set above 1 must be the nodes the launcher used, counted as the ranks that are first on their node: a
    // job the configuration calls multi-node but that runs on one machine is a mistake, as Lightning's cluster checks say.
    private static void CheckNodes(TrainerOptions options, IProcessGroup group)
    {
        if (options.NumNodes == 1 || group.WorldSize == 1) return;
        Span<float> firstOnNode = [group.LocalRank == 0 ? 1 : 0];
        group.AllReduce(firstOnNode, ReduceOperation.Sum);
        var nodes = (int)firstOnNode[0];
        if (nodes == options.NumNodes) return;
        throw new LightningConfigException([new ConfigIssue("trainer.num_nodes", options.NumNodes.ToString(CultureInfo.InvariantCulture),
            "trainer options", $"the launcher started the {group.WorldSize} processes on {nodes} node{(nodes == 1 ? "" : "s")}: " +
                               "make the two agree.")]);
    }

    /// <summary>The process's shared group for ddp; a group of one, touching no MPI, for single.</summary>
    public static IProcessGroup Group(TrainingStrategy resolved) =>
        resolved == TrainingStrategy.Ddp ? ProcessGroupRuntime.Current : new SingleProcessGroup();
}
