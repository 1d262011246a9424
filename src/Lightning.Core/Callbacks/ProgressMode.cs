namespace Lightning.Core.Callbacks;

/// <summary>How progress is shown: <c>LIGHTNING_PROGRESS=rich|plain|off</c> overrides the automatic choice.</summary>
public enum ProgressMode
{
    /// <summary>A live line redrawn in place (terminals).</summary>
    Rich,
    /// <summary>One line per epoch (redirected output, CI, Slurm logs).</summary>
    Plain,
    /// <summary>Nothing.</summary>
    Off,
}
