using Lightning.Cli.Tests.Support;
using Lightning.Hosting.Processes;
using Lightning.TestSupport;

namespace Lightning.Cli.Tests;

/// <summary>The tool's exit codes: 2 for usage and configuration, 1 for a failed build, else the app's own code.</summary>
[Collection(ToolCollection.Name)]
public sealed class ExitCodeTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void NoProject_Exits2AndSaysWhatToDo()
    {
        var run = Tool.Run(_folder.Path, arguments: ["fit"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("No project (*.csproj) was found", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedTrackingUri_Exits2NamingTheKey()
    {
        var run = Tool.Run(_folder.Path, arguments: ["runs", "list", "--tracking-uri", "sqlite:///runs.db"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'tracking.uri'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void FailedBuild_Exits1WithTheCompilerError()
    {
        File.WriteAllText(_folder.Combine("Demo.csproj"), "<Project />");
        var run = Tool.Run(_folder.Path, Fakes.BuildFails("Program.cs(3,1): error CS1002: ; expected"), "fit");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error CS1002", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(130)]
    public void TrainingCommand_ExitsWithTheAppsCode(int appExitCode)
    {
        File.WriteAllText(_folder.Combine("Demo.csproj"), "<Project />");
        var runner = Fakes.BuildsThenRuns(_folder.Combine("bin", "Demo.dll"), appExitCode);
        var run = Tool.Run(_folder.Path, runner, "validate", "--ckpt-path", "best");
        Assert.Equal(appExitCode, run.ExitCode);
        // The app runs attached to the console (its live bar, Ctrl+C), the build captured.
        Assert.Equal([ProcessOutput.Capture, ProcessOutput.Inherit], runner.Started.Select(s => s.Output));
    }
}
