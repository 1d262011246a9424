namespace Lightning.Cli;

/// <summary>A problem the tool explains and stops on; the message says what to do.</summary>
/// <param name="message">What was wrong and what to do.</param>
/// <param name="exitCode">2 (the default) when the command line or project is wrong; 1 when something it needs failed (a server down).</param>
internal sealed class CliException(string message, int exitCode = 2) : Exception(message)
{
    public int ExitCode => exitCode;
}
