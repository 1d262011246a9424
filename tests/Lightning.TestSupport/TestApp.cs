using System.Diagnostics;
using System.Text;

namespace Lightning.TestSupport;

/// <summary>Runs tests/Lightning.TestApp as a real child process.</summary>
public static class TestApp
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Environment that makes the test app record its runs in MLflow (./mlruns unless tracking.uri says otherwise).</summary>
    public static readonly IReadOnlyDictionary<string, string> Mlflow = new Dictionary<string, string> { ["TESTAPP_TRACKER"] = "mlflow" };

    public static string Dll => Repository.Built(Path.Combine("tests", "Lightning.TestApp"), "Lightning.TestApp.dll");

    public static Process Start(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["LIGHTNING_PROGRESS"] = "plain";
        info.Environment.Remove("MLFLOW_TRACKING_URI");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    public static Result Run(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(workingDirectory, arguments, environment);
        return Collect(process, TimeSpan.FromMinutes(3));
    }

    public static Result Collect(Process process, TimeSpan timeout)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The test app did not exit within {timeout}.");
        }
        return new Result(process.ExitCode, output.Result + error.Result, error.Result);
    }

    /// <summary>Waits until the lines of the events file satisfy <paramref name="done"/>.</summary>
    public static void WaitForEvents(string eventsPath, Func<List<string>, bool> done, Process process, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (File.Exists(eventsPath))
            {
                using var stream = new FileStream(eventsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var lines = new List<string>();
                while (reader.ReadLine() is { } line) lines.Add(line);
                if (done(lines)) return;
            }
            if (process.HasExited)
            {
                var error = process.StandardError.ReadToEnd();
                throw new InvalidOperationException($"The test app exited ({process.ExitCode}) before the expected event: {error}");
            }
            Thread.Sleep(10);
        }
        throw new TimeoutException("The expected event did not appear.");
    }
}
