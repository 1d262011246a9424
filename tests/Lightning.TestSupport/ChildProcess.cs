using System.Diagnostics;
using System.Text;
using Lightning.Hosting.Processes;

namespace Lightning.TestSupport;

/// <summary>Runs a command as a real child process (through the process seam), collecting its lines with the time each arrived.</summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output, List<(TimeSpan At, string Line)> Lines);

    /// <param name="onLine">Called for each line as it arrives, with the process (to signal or kill it).</param>
    /// <exception cref="TimeoutException">The command ran past <paramref name="timeout"/> (default 5 minutes); it was killed.</exception>
    public static Result Run(string folder, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        Action<string, IProcessHandle>? onLine = null, TimeSpan? timeout = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // Runs go where the command's own configuration says, never to a server the developer's shell points at.
            ["MLFLOW_TRACKING_URI"] = null,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) variables[key] = value;
        var spec = new ProcessSpec(file, [.. arguments]) { WorkingDirectory = folder, Environment = variables };
        var lines = new List<(TimeSpan, string)>();
        var all = new StringBuilder();
        var clock = Stopwatch.StartNew();
        var result = SystemProcessRunner.Instance.Run(spec, timeout ?? TimeSpan.FromMinutes(5), (line, process) =>
        {
            lock (lines)
            {
                lines.Add((clock.Elapsed, line.Text));
                all.AppendLine(line.Text);
            }
            onLine?.Invoke(line.Text, process);
        });
        lock (lines)
        {
            if (result.TimedOut) throw new TimeoutException($"{spec} did not finish:\n{all}");
            return new Result(result.ExitCode, all.ToString(), [.. lines]);
        }
    }

    /// <exception cref="InvalidOperationException">The command failed; the message holds its output.</exception>
    public static Result Succeeded(Result result) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException($"exit {result.ExitCode}:\n{result.Output}");
}
