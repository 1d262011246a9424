using Lightning.Hosting.Processes;

namespace Lightning.Cli.Tests.Support;

/// <summary>Process runners for the tool's two children: <c>dotnet build</c> and the built app.</summary>
internal static class Fakes
{
    /// <summary>
    /// A build that succeeds, writes <paramref name="app"/> (empty) and reports it as its TargetPath, then an app run that
    /// exits with <paramref name="appExitCode"/>.
    /// </summary>
    public static FakeProcessRunner BuildsThenRuns(string app, int appExitCode, params string[] appLines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(app)!);
        File.WriteAllText(app, "");
        return new FakeProcessRunner(spec =>
        {
            if (spec.Arguments[0] != "build") return (appExitCode, appLines);
            File.WriteAllText(app, "");
            return (0, ["{", $"  \"Properties\": {{ \"TargetPath\": \"{app}\" }}", "}"]);
        });
    }

    /// <summary>A build that fails with <paramref name="errorLine"/>.</summary>
    public static FakeProcessRunner BuildFails(string errorLine) =>
        new(spec => spec.Arguments[0] == "build"
            ? (1, ["Build started", errorLine])
            : throw new InvalidOperationException("The app ran after a failed build."));
}
