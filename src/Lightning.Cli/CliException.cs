using Lightning.Hosting;

namespace Lightning.Cli;

/// <summary>A problem the tool explains and stops on; the message says what to do.</summary>
/// <param name="message">What was wrong and what to do.</param>
/// <param name="exitCode"><see cref="ExitCodes.Usage"/> (the default) when the command line or project is wrong;
/// <see cref="ExitCodes.Failed"/> when something it needs failed (a server down).</param>
internal sealed class CliException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode => exitCode;
}
