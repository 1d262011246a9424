using System.Diagnostics;

namespace Lightning.Cli;

/// <summary>Runs child processes: captured (for build and property queries) or attached to this console (for training).</summary>
internal static class ProcessRunner
{
    public sealed record Captured(int ExitCode, string Output);

    public static Captured Capture(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Captured(process.ExitCode, output + error.Result);
    }

    /// <summary>
    /// Runs with this console's standard streams, never redirected: in a terminal the app sees the terminal and draws
    /// its live bar, and redirected output (a pipe, a log file) streams from the app straight to its destination. Ctrl+C
    /// reaches the child directly; the tool itself ignores SIGINT/SIGTERM and forwards SIGTERM, then waits for the
    /// child to save its checkpoint and exit.
    /// </summary>
    public static int Attached(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => c.Cancel = true);
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            Signals.Send(process.Id, Signals.Terminate);
        });
        process.WaitForExit();
        return process.ExitCode;
    }
}
