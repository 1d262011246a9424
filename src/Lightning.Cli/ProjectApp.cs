namespace Lightning.Cli;

/// <summary>The user's project as the tool sees it: built with dotnet build, run as its own process, never loaded here.</summary>
internal sealed class ProjectApp(string projectPath)
{
    public string Project { get; } = projectPath;

    public string Folder => Path.GetDirectoryName(Project)!;

    /// <summary>Builds the project (incremental: a current build costs a few seconds) and returns the app's path.</summary>
    /// <exception cref="CliException">The build failed; the message carries its errors.</exception>
    public string Build(TextWriter output)
    {
        output.WriteLine($"Building {Path.GetFileName(Project)}...");
        var build = ProcessRunner.Capture("dotnet", ["build", Project, "-nologo", "-v:q", "-tl:off", "-getProperty:TargetPath", "-getTargetResult:Build"], Folder);
        if (build.ExitCode != 0)
        {
            var errors = build.Output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(20);
            throw new BuildFailedException($"Building {Project} failed:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }
        var target = System.Text.Json.Nodes.JsonNode.Parse(build.Output[build.Output.IndexOf('{')..])?["Properties"]?["TargetPath"]?.GetValue<string>();
        return target is { Length: > 0 } path && File.Exists(path) ? path : throw new BuildFailedException($"The build of {Project} did not say where its app is (TargetPath).");
    }

    /// <summary>Runs the built app with <paramref name="arguments"/>, attached to this console; returns its exit code.</summary>
    public int Run(string app, IEnumerable<string> arguments) => ProcessRunner.Attached("dotnet", ["exec", app, .. arguments], Folder);
}

/// <summary>The user's project did not build; exit code 1.</summary>
internal sealed class BuildFailedException(string message) : Exception(message);
