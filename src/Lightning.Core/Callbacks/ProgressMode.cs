namespace Lightning.Core.Callbacks;

/// <summary>How progress is shown; <see cref="ProgressModeSetting"/> chooses it.</summary>
public enum ProgressMode
{
    /// <summary>A live line redrawn in place (terminals).</summary>
    Rich,
    /// <summary>A line every few seconds inside an epoch and one at its end (redirected output, CI, Slurm logs).</summary>
    Plain,
    /// <summary>Nothing.</summary>
    Off,
}
