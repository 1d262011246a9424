namespace Lightning.Core.Training;

/// <summary>How the trainer spreads a fit over processes.</summary>
public enum TrainingStrategy
{
    /// <summary>Data-parallel when a launcher (mpirun, srun) started this process as one of several, else one process.</summary>
    Auto,
    /// <summary>One process, even under a launcher (each rank then trains on its own).</summary>
    Single,
    /// <summary>Data-parallel: every rank trains on its shard of the data and the gradients are averaged each step.</summary>
    Ddp,
}
