using System.Diagnostics;
using System.Text;

namespace Lightning.TestSupport;

/// <summary>Runs a command as a real child process, collecting its lines with the time each arrived.</summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output, List<(TimeSpan At, string Line)> Lines);

    /// <param name="onLine">Called for each line as it arrives, with the process (to signal or kill it).</param>
    /// <exception cref="TimeoutException">The command ran past <paramref name="timeout"/> (default 5 minutes); it was killed.</exception>
    public static Result Run(string folder, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        Action<string, Process>? onLine = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // Runs go where the command's own configuration says, never to a server the developer's shell points at.
        info.Environment.Remove("MLFLOW_TRACKING_URI");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var lines = new List<(TimeSpan, string)>();
        var all = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        void Receive(string? line)
        {
            if (line is null) return;
            lock (lines)
            {
                lines.Add((clock.Elapsed, line));
                all.AppendLine(line);
            }
            onLine?.Invoke(line, process);
        }
        process.OutputDataReceived += (_, e) => Receive(e.Data);
        process.ErrorDataReceived += (_, e) => Receive(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish:\n{all}");
        }
        process.WaitForExit();
        lock (lines) return new Result(process.ExitCode, all.ToString(), [.. lines]);
    }

    /// <exception cref="InvalidOperationException">The command failed; the message holds its output.</exception>
    public static Result Succeeded(Result result) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException($"exit {result.ExitCode}:\n{result.Output}");
}
