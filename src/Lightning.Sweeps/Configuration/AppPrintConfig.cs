using System.Diagnostics;

namespace Lightning.Sweeps.Configuration;

/// <summary>The built app's <c>print-config</c> as a process (<c>dotnet exec App.dll print-config ...</c>) in the project folder.</summary>
public static class AppPrintConfig
{
    /// <summary>A <see cref="PrintConfig"/> that runs <paramref name="appPath"/> in <paramref name="workingDirectory"/>.</summary>
    public static PrintConfig Of(string appPath, string workingDirectory) => overrides =>
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(appPath);
        info.ArgumentList.Add("print-config");
        foreach (var argument in overrides) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new PrintConfigReply(process.ExitCode, output + error.Result);
    };
}
