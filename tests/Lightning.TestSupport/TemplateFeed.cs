namespace Lightning.TestSupport;

/// <summary>
/// Packs every package of the repository once, with a version no earlier run used, into a feed in a temporary folder
/// outside the repository, and installs the template into a private hive, so projects are scaffolded exactly as a
/// user's <c>dotnet new lightning</c> makes them.
/// </summary>
public sealed class TemplateFeed : IDisposable
{
    private static readonly string[] Packages =
        [
            "src/Lightning.Core", "src/Lightning.Hosting", "src/Lightning.Mlflow", "src/Lightning.Sweeps", "src/Lightning.Build",
            "src/Lightning.Cli", "src/Lightning.Vision",
            "templates/Lightning.Templates.csproj",
        ];

    /// <param name="purpose">Names the temporary folder and the prerelease part of the version (e2e, bench).</param>
    public TemplateFeed(string purpose)
    {
        Root = Directory.CreateTempSubdirectory($"lightning-{purpose}-").FullName;
        Feed = Path.Combine(Root, "feed");
        Hive = Path.Combine(Root, "hive");
        Version = $"0.1.0-{purpose}.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        foreach (var project in Packages)
            ChildProcess.Succeeded(ChildProcess.Run(Repository.Root, "dotnet",
                ["pack", Path.Combine(Repository.Root, project), "-c", "Release", "-o", Feed, $"-p:Version={Version}", "-nologo", "-v:q"]));
        // A folder-local nuget.config adds the feed; the user's NuGet configuration is not touched.
        File.WriteAllText(Path.Combine(Root, "nuget.config"),
            $"<configuration><packageSources><add key=\"lightning-{purpose}\" value=\"{Feed}\" /></packageSources></configuration>");
        var package = Path.Combine(Feed, $"Lightning.Templates.{Version}.nupkg");
        ChildProcess.Succeeded(ChildProcess.Run(Root, "dotnet", ["new", "install", package, "--debug:custom-hive", Hive]));
    }

    public string Root { get; }
    public string Feed { get; }
    public string Hive { get; }
    public string Version { get; }

    /// <summary>Runs <c>dotnet new lightning -n NAME</c> into a fresh folder and returns the project folder.</summary>
    public string Scaffold(string name, params string[] options)
    {
        var folder = Path.Combine(Root, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        string[] arguments = ["new", "lightning", "-n", name, "-o", name, "--no-restore", "--debug:custom-hive", Hive, .. options];
        ChildProcess.Succeeded(ChildProcess.Run(folder, "dotnet", arguments));
        return Path.Combine(folder, name);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its test may still hold a file; the folder is under /tmp.
        }
    }
}
