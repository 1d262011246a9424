using Lightning.Cli.Tests.Support;
using Lightning.TestSupport;

namespace Lightning.Cli.Tests;

/// <summary>doctor: one verdict per check, exit 0 only when all pass; the build and the app's own doctor are faked.</summary>
[Collection(ToolCollection.Name)]
public sealed class DoctorCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void NoProject_FailsTheProjectCheckAndStillChecksTracking()
    {
        var run = Tool.Run(_folder.Path, arguments: ["doctor"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL project: No project (*.csproj) was found", run.Output, StringComparison.Ordinal);
        Assert.Contains($"ok   tracking: file store {_folder.Combine("mlruns")} does not exist yet", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void HealthyProject_PassesEveryCheckAndShowsTheAppsLines()
    {
        File.WriteAllText(_folder.Combine("Demo.csproj"), "<Project />");
        var app = _folder.Combine("bin", "Demo.dll");
        var runner = Fakes.BuildsThenRuns(app, appExitCode: 0, "ok   torch: libtorch 2.10.0 loaded");
        var run = Tool.Run(_folder.Path, runner, "doctor");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"ok   build: {app}", run.Output, StringComparison.Ordinal);
        Assert.Contains("ok   torch: libtorch 2.10.0 loaded", run.Output, StringComparison.Ordinal);
        Assert.Equal(["exec", app, "doctor"], runner.Started[^1].Arguments);
    }

    [Fact]
    public void AppDoctorFailing_FailsTheTool()
    {
        File.WriteAllText(_folder.Combine("Demo.csproj"), "<Project />");
        var runner = Fakes.BuildsThenRuns(_folder.Combine("bin", "Demo.dll"), appExitCode: 1, "FAIL torch: libstdc++ too old");
        var run = Tool.Run(_folder.Path, runner, "doctor");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL torch: libstdc++ too old", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void FailingBuild_FailsTheBuildCheck()
    {
        File.WriteAllText(_folder.Combine("Demo.csproj"), "<Project />");
        var run = Tool.Run(_folder.Path, Fakes.BuildFails("Program.cs(3,1): error CS1002: ; expected"), "doctor");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL build:", run.Output, StringComparison.Ordinal);
        Assert.Contains("error CS1002", run.Output, StringComparison.Ordinal);
    }
}
