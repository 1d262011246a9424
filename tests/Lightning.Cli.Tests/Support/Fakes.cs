using Lightning.Hosting.Processes;

namespace Lightning.Cli.Tests.Support;

/// <summary>Process runners for the tool's two children: <c>dotnet build</c> and the built app.</summary>
internal static class Fakes
{
    /// <summary>
    /// A build that succeeds and reports <paramref name="app"/> as its TargetPath (created empty), then an app run that
    /// exits with <paramref name="appExitCode"/>.
    /// </summary>
    public static FakeProcessRunner BuildsThenRuns(string app, int appExitCode, params string[] appLines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(app)!);
        File.WriteAllText(app, "");
        return new FakeProcessRunner(spec => spec.Arguments[0] == "build"
            ? (0, ["{", $"  \"Properties\": {{ \"TargetPath\": \"{app}\" }}", "}"])
            : (appExitCode, appLines));
    }

    /// <summary>A build that fails with <paramref name="errorLine"/>.</summary>
    public static FakeProcessRunner BuildFails(string errorLine) =>
        new(spec => spec.Arguments[0] == "build"
            ? (1, ["Build started", errorLine])
            : throw new InvalidOperationException("The app ran after a failed build."));
}
