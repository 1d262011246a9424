namespace Lightning.Hosting;

/// <summary>The <c>best</c> object of a <see cref="RunFinished"/> event: the model checkpoint callback's best file.</summary>
/// <param name="Checkpoint">The best checkpoint file, or null when none was kept.</param>
/// <param name="Monitor">The metric it monitored, or null.</param>
/// <param name="Score">The best score, or null.</param>
public sealed record BestCheckpoint(string? Checkpoint, string? Monitor, double? Score)
{
    /// <summary>No checkpoint callback, or nothing kept.</summary>
    public static BestCheckpoint None { get; } = new(null, null, null);
}
