using System.Text;

namespace Lightning.Hosting.Processes;

/// <summary>Runs a captured process to its end.</summary>
public static class ProcessRunnerExtensions
{
    /// <summary>
    /// Starts <paramref name="spec"/> (captured), collects every line, and waits for the exit. Past
    /// <paramref name="timeout"/> the process tree is killed and the result says it timed out.
    /// </summary>
    /// <param name="runner">The seam to start it through.</param>
    /// <param name="spec">What to run; its output is captured whatever it says.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="onLine">Called on a reader thread for each line as it arrives, with the handle (to signal it).</param>
    public static ProcessResult Run(
        this IProcessRunner runner, ProcessSpec spec, TimeSpan timeout, Action<ProcessLine, IProcessHandle>? onLine = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        using var handle = runner.Start(spec with { Output = ProcessOutput.Capture });
        var output = new StringBuilder();
        var error = new StringBuilder();
        var reading = Task.Run(() =>
        {
            foreach (var line in handle.Lines)
            {
                lock (output) (line.IsError ? error : output).AppendLine(line.Text);
                onLine?.Invoke(line, handle);
            }
        });
        if (!handle.WaitForExit(timeout))
        {
            handle.Kill();
            reading.Wait(TimeSpan.FromSeconds(5));
            lock (output) return new ProcessResult(-1, output.ToString(), error.ToString(), TimedOut: true);
        }
        reading.GetAwaiter().GetResult();
        lock (output) return new ProcessResult(handle.ExitCode, output.ToString(), error.ToString(), TimedOut: false);
    }
}
