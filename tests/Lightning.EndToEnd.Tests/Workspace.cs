using System.Diagnostics;
using System.Text;
using Lightning.TestSupport;

namespace Lightning.EndToEnd.Tests;

/// <summary>
/// Packs every package of the repository once, with a version no earlier run used, into a feed in a temporary folder
/// outside the repository, installs the template into a private hive, and runs commands there as real processes.
/// </summary>
public sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Directory.CreateTempSubdirectory("lightning-e2e-").FullName;
        Feed = Path.Combine(Root, "feed");
        Hive = Path.Combine(Root, "hive");
        Version = $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        foreach (var project in new[] { "src/Lightning.Core", "src/Lightning.Mlflow", "src/Lightning.Sweeps", "src/Lightning.Build", "src/Lightning.Cli", "templates/Lightning.Templates.csproj" })
            Must(Run(RepositoryRoot, "dotnet", ["pack", Path.Combine(RepositoryRoot, project), "-c", "Release", "-o", Feed, $"-p:Version={Version}", "-nologo", "-v:q"]));
        // A workspace-local nuget.config adds the feed; the user's NuGet configuration is not touched.
        File.WriteAllText(Path.Combine(Root, "nuget.config"),
            $"<configuration><packageSources><add key=\"lightning-e2e\" value=\"{Feed}\" /></packageSources></configuration>");
        Must(Run(Root, "dotnet", ["new", "install", Path.Combine(Feed, $"Lightning.Templates.{Version}.nupkg"), "--debug:custom-hive", Hive]));
    }

    public string Root { get; }
    public string Feed { get; }
    public string Hive { get; }
    public string Version { get; }

    public static string RepositoryRoot => Repository.Root;

    /// <summary>Runs <c>dotnet new lightning -n NAME</c> into a fresh folder and returns it.</summary>
    public string Scaffold(string name, params string[] options)
    {
        var folder = Path.Combine(Root, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        Must(Run(folder, "dotnet", ["new", "lightning", "-n", name, "-o", name, "--no-restore", "--debug:custom-hive", Hive, .. options]));
        return Path.Combine(folder, name);
    }

    public sealed record Result(int ExitCode, string Output, List<(TimeSpan At, string Line)> Lines);

    public static Result Run(string folder, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        Action<string, Process>? onLine = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
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

    public static Result Must(Result result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}:\n{result.Output}");
        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class WorkspaceCollection : ICollectionFixture<Workspace>
{
    public const string Name = "workspace";
}
