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

    /// <summary>The process's shared group for ddp; a group of one, touching no MPI, for single.</summary>
    public static IProcessGroup Group(TrainingStrategy resolved) =>
        resolved == TrainingStrategy.Ddp ? ProcessGroupRuntime.Current : new SingleProcessGroup();
}
