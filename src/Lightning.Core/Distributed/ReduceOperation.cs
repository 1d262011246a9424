namespace Lightning.Core.Distributed;

/// <summary>How an all-reduce combines the ranks' buffers, element by element.</summary>
public enum ReduceOperation
{
    /// <summary>The sum over all ranks.</summary>
    Sum,

    /// <summary>The sum over all ranks divided by the world size (how data-parallel training averages gradients).</summary>
    Mean,
}
