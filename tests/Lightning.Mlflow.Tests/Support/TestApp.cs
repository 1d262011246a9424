using System.Diagnostics;

namespace Lightning.Mlflow.Tests.Support;

/// <summary>Runs tests/Lightning.TestApp with MLflow tracking as a real child process.</summary>
public static class TestApp
{
    public sealed record Result(int ExitCode, string Output, string Error);

    private static string Dll
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var path = Path.GetFullPath(Path.Combine(output.FullName, "..", "..", "..", "..", "Lightning.TestApp", "bin", output.Parent!.Name, output.Name, "Lightning.TestApp.dll"));
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build tests/Lightning.TestApp first; {path} is missing.");
        }
    }

    public static Process Start(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["TESTAPP_TRACKER"] = "mlflow";
        info.Environment["LIGHTNING_PROGRESS"] = "plain";
        info.Environment.Remove("MLFLOW_TRACKING_URI");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    public static Result Run(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(workingDirectory, arguments, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The test app did not exit within 3 minutes.");
        }
        return new Result(process.ExitCode, output.Result + error.Result, error.Result);
    }
}
