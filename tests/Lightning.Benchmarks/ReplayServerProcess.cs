using System.Diagnostics;
using Lightning.Mlflow.Replay;

namespace Lightning.Benchmarks;

/// <summary>
/// The replay server in a process of its own, as a real tracking server is: its request parsing and garbage collections
/// then do not pause the training thread being measured (they still share the machine's cores).
/// </summary>
public sealed class ReplayServerProcess : IDisposable
{
    /// <summary>The argument that makes this executable serve instead of benchmarking.</summary>
    public const string Mode = "replay-server";

    private readonly Process _process;

    public ReplayServerProcess()
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false
        };
        // Under `dotnet Lightning.Benchmarks.dll` the host is dotnet and the assembly comes first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            info.ArgumentList.Add(typeof(ReplayServerProcess).Assembly.Location);
        info.ArgumentList.Add(Mode);
        _process = Process.Start(info)!;
        Uri = new Uri(_process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The replay server process did not start."));
    }

    public Uri Uri { get; }

    /// <summary>Serves until standard input closes (the benchmark ended or died).</summary>
    public static int Serve()
    {
        using var server = new ReplayServer();
        Console.WriteLine(server.Uri);
        Console.In.ReadToEnd();
        return 0;
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) _process.Kill();
        _process.Dispose();
    }
}
