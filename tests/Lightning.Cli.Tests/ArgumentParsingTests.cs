using Lightning.Cli.Tests.Support;
using Lightning.TestSupport;

namespace Lightning.Cli.Tests;

/// <summary>The command line as the tool parses it: unknown commands and options are usage errors (exit 2) with a hint.</summary>
[Collection(ToolCollection.Name)]
public sealed class ArgumentParsingTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Help_ListsTheCommandsAndExits0()
    {
        var run = Tool.Run(_folder.Path, arguments: ["--help"]);
        Assert.True(run.ExitCode == 0, run.Error);
        foreach (var command in new[] { "fit", "validate", "test", "predict", "runs", "ui", "doctor", "sweep", "tune" })
            Assert.Contains(command, run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("runs", "list", "--nope")]
    [InlineData("runs", "show")]
    public void ParseErrors_Exit2WithAHint(params string[] arguments)
    {
        var run = Tool.Run(_folder.Path, arguments: arguments);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Run 'dotnet lightning --help'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MistypedTrainingOption_Exits2AndSuggestsTheKnownOne()
    {
        var run = Tool.Run(_folder.Path, arguments: ["fit", "--ckpt-pth", "last"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Unknown option '--ckpt-pth'. Did you mean '--ckpt-path'?", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainingCommand_PassesItsOptionsAndOverridesToTheApp()
    {
        File.WriteAllText(_folder.Combine("Demo.csproj"), "<Project />");
        var app = _folder.Combine("bin", "Demo.dll");
        var runner = Fakes.BuildsThenRuns(app, appExitCode: 0);
        var run = Tool.Run(_folder.Path, runner, "fit", "--ckpt-path", "last", "--events", "events.jsonl", "--trainer.max_epochs=3");
        Assert.True(run.ExitCode == 0, run.Error);
        var started = runner.Started[^1];
        string[] expected = ["exec", app, "fit", "--ckpt-path", "last", "--events", _folder.Combine("events.jsonl"), "--trainer.max_epochs=3"];
        Assert.Equal(expected, started.Arguments);
        Assert.Equal(_folder.Path, started.WorkingDirectory);
    }

    [Fact]
    public void Verbose_ReachesTheApp_SoTheHintAFailurePrintsWorksThroughTheTool()
    {
        File.WriteAllText(_folder.Combine("Demo.csproj"), "<Project />");
        var app = _folder.Combine("bin", "Demo.dll");
        var runner = Fakes.BuildsThenRuns(app, appExitCode: 1);
        var run = Tool.Run(_folder.Path, runner, "fit", "--verbose", "--trainer.max_epochs=3");
        Assert.Equal(1, run.ExitCode);
        string[] expected = ["exec", app, "fit", "--verbose", "--trainer.max_epochs=3"];
        Assert.Equal(expected, runner.Started[^1].Arguments);
    }
}
