namespace Lightning.Cli;

/// <summary>The user's project as the tool sees it: built with dotnet build, run as its own process, never loaded here.</summary>
internal sealed class ProjectApp(string projectPath)
{
    public string Project { get; } = projectPath;

    public string Folder => Path.GetDirectoryName(Project)!;

    /// <summary>
    /// Builds the project and returns the app's path; when no build input changed since the tool's last build, returns
    /// that build's app without starting MSBuild (an up-to-date <c>dotnet build</c> still costs several seconds).
    /// </summary>
    /// <exception cref="CliException">The build failed; the message carries its errors.</exception>
    public string Build(TextWriter output)
    {
        var stamp = new BuildStamp(Project);
        var inputs = stamp.Fingerprint();
        if (stamp.CurrentApp(inputs) is { } built)
        {
            output.WriteLine($"{Path.GetFileName(Project)} is up to date (no source or project file changed since the tool built it).");
            return built;
        }
        output.WriteLine($"Building {Path.GetFileName(Project)}...");
        var build = ProcessRunner.Capture("dotnet",
            ["build", Project, "-nologo", "-v:q", "-tl:off", "-getProperty:TargetPath", "-getTargetResult:Build"], Folder);
        if (build.ExitCode != 0)
        {
            var errors = build.Output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(20);
            throw new BuildFailedException($"Building {Project} failed:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }
        var target = System.Text.Json.Nodes.JsonNode.Parse(build.Output[build.Output.IndexOf('{')..])?["Properties"]?["TargetPath"]
            ?.GetValue<string>();
        if (target is not { Length: > 0 } path || !File.Exists(path))
            throw new BuildFailedException($"The build of {Project} did not say where its app is (TargetPath).");
        stamp.Record(path, inputs);
        return path;
    }

    /// <summary>Runs the built app with <paramref name="arguments"/>, attached to this console; returns its exit code.</summary>
    public int Run(string app, IEnumerable<string> arguments) => ProcessRunner.Attached("dotnet", ["exec", app, .. arguments], Folder);
}

/// <summary>The user's project did not build; exit code 1.</summary>
internal sealed class BuildFailedException(string message) : Exception(message);
