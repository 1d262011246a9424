using System.Runtime.InteropServices;
using Lightning.Hosting.Processes;

namespace Lightning.Cli;

/// <summary>The tool's two ways to run a child: captured (for build and property queries) or attached to this console (for training).</summary>
internal static class ProcessRunner
{
    /// <summary>The seam every child goes through; tests may swap it.</summary>
    public static IProcessRunner Runner { get; set; } = SystemProcessRunner.Instance;

    public sealed record Captured(int ExitCode, string Output);

    public static Captured Capture(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var result = Runner.Run(new ProcessSpec(file, [.. arguments]) { WorkingDirectory = workingDirectory }, Timeout.InfiniteTimeSpan);
        return new Captured(result.ExitCode, result.Output + result.Error);
    }

    /// <summary>
    /// Runs with this console's standard streams, never redirected: in a terminal the app sees the terminal and draws
    /// its live bar, and redirected output (a pipe, a log file) streams from the app straight to its destination. The
    /// tool forwards SIGINT and SIGTERM to the child, then waits for it to save its checkpoint and exit: a terminal's
    /// Ctrl+C also reaches the child directly, and the app takes the two copies as one request (RepeatedSignal), while
    /// a signal sent to the tool alone (kill -INT, a supervisor) must not be lost.
    /// </summary>
    public static int Attached(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var spec = new ProcessSpec(file, [.. arguments]) { WorkingDirectory = workingDirectory, Output = ProcessOutput.Inherit };
        using var process = Runner.Start(spec);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            process.Signal(ProcessSignals.Interrupt);
        });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            process.Signal(ProcessSignals.Terminate);
        });
        process.WaitForExit(Timeout.InfiniteTimeSpan);
        return process.ExitCode;
    }
}
