namespace Lightning.Hosting;

/// <summary>
/// What a driver may recognise in the app's standard error besides errors. The MSBuild task turns a line with
/// <see cref="WarningPrefix"/> into a build warning, so the app writes warnings only through <see cref="Warning"/>.
/// </summary>
public static class OutputLines
{
    /// <summary>The start of a warning line.</summary>
    public const string WarningPrefix = "Warning: ";

    /// <summary>A warning line for <paramref name="message"/>.</summary>
    public static string Warning(string message) => WarningPrefix + message;
}
