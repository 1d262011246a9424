using Lightning.Hosting.Processes;
using Lightning.TestSupport;

namespace Lightning.EndToEnd.Tests;

/// <summary>The packed template and tool (one <see cref="TemplateFeed"/> per test run), and commands run there as real processes.</summary>
public sealed class Workspace : IDisposable
{
    private readonly TemplateFeed _feed = new("e2e");

    public string Root => _feed.Root;
    public string Feed => _feed.Feed;
    public string Hive => _feed.Hive;
    public string Version => _feed.Version;

    /// <summary>Runs <c>dotnet new lightning -n NAME</c> into a fresh folder and returns it.</summary>
    public string Scaffold(string name, params string[] options) => _feed.Scaffold(name, options);

    public static ChildProcess.Result Run(
        string folder, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        Action<string, IProcessHandle>? onLine = null, TimeSpan? timeout = null) =>
        ChildProcess.Run(folder, file, arguments, environment, onLine, timeout);

    public static ChildProcess.Result Must(ChildProcess.Result result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}:\n{result.Output}");
        return result;
    }

    public void Dispose() => _feed.Dispose();
}

[CollectionDefinition(Name)]
public sealed class WorkspaceCollection : ICollectionFixture<Workspace>
{
    public const string Name = "workspace";
}
