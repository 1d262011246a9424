namespace Lightning.Core.Callbacks;

/// <summary>The <c>LIGHTNING_PROGRESS</c> setting and the progress mode it chooses, given the kind of output.</summary>
public static class ProgressModeSetting
{
    /// <summary>The variable that overrides the choice.</summary>
    public const string Variable = "LIGHTNING_PROGRESS";

    /// <summary><see cref="Variable"/> when set to rich, plain or off; otherwise rich for a terminal, plain for redirected output.</summary>
    public static ProgressMode Choose(bool outputIsTerminal, string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        "rich" => ProgressMode.Rich,
        "plain" => ProgressMode.Plain,
        "off" => ProgressMode.Off,
        _ => outputIsTerminal ? ProgressMode.Rich : ProgressMode.Plain,
    };
}
