using Lightning.Cli.Tests.Support;
using Lightning.Hosting.Processes;
using Lightning.TestSupport;

namespace Lightning.Cli.Tests;

/// <summary>ui: starts MLflow's UI on the file store when mlflow is on PATH, else says how; a server is opened in a browser.</summary>
[Collection(ToolCollection.Name)]
public sealed class UiCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly string? _savedPath = Environment.GetEnvironmentVariable("PATH");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PATH", _savedPath);
        _folder.Dispose();
    }

    [Fact]
    public void WithoutMlflow_SaysHowToInstallAndRunIt()
    {
        Environment.SetEnvironmentVariable("PATH", _folder.Combine("empty-bin"));
        var run = Tool.Run(_folder.Path, arguments: ["ui", "--port", "5123"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("pip install mlflow", run.Output, StringComparison.Ordinal);
        Assert.Contains($"--backend-store-uri {new Uri(_folder.Combine("mlruns")).AbsoluteUri} --port 5123", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void WithMlflow_RunsItAttachedOnTheFileStore()
    {
        var bin = Directory.CreateDirectory(_folder.Combine("bin")).FullName;
        var mlflow = Path.Combine(bin, "mlflow");
        File.WriteAllText(mlflow, "");
        Environment.SetEnvironmentVariable("PATH", bin);
        var runner = new FakeProcessRunner(_ => (0, []));
        var run = Tool.Run(_folder.Path, runner, "ui", "--port", "5124");
        Assert.True(run.ExitCode == 0, run.Error);
        var started = Assert.Single(runner.Started);
        Assert.Equal(mlflow, started.File);
        Assert.Equal(["ui", "--backend-store-uri", new Uri(_folder.Combine("mlruns")).AbsoluteUri, "--port", "5124"], started.Arguments);
        Assert.Equal(ProcessOutput.Inherit, started.Output);
    }

    [Fact]
    public void OnAServer_PointsToItsAddress()
    {
        var run = Tool.Run(_folder.Path, arguments: ["ui", "--tracking-uri", "http://mlflow.example:5000"]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("http://mlflow.example:5000: open it in a browser", run.Output, StringComparison.Ordinal);
    }
}
