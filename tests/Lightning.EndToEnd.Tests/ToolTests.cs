using Lightning.TestSupport;
using Lightning.Mlflow.Stores;

namespace Lightning.EndToEnd.Tests;

/// <summary>dotnet lightning through the scaffolded project's local tool manifest.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ToolTests(Workspace workspace)
{
    [Fact]
    public void Fit_Doctor_RunsList_ThroughTheLocalManifest()
    {
        var project = workspace.Scaffold("Tooled");
        Workspace.Must(Workspace.Run(project, "dotnet", ["tool", "restore", "--add-source", workspace.Feed]));
        var fit = Workspace.Must(Workspace.Run(project, "dotnet", ["lightning", "fit", "--trainer.max_epochs=1"]));
        Assert.Contains("Epoch 1/1", fit.Output);
        var doctor = Workspace.Run(project, "dotnet", ["lightning", "doctor"]);
        Assert.True(doctor.ExitCode == 0, doctor.Output);
        Assert.Contains("ok   native:", doctor.Output);
        Assert.Contains("ok   tracking:", doctor.Output);
        var run = Assert.Single(FileStoreReader.Runs(Path.Combine(project, "mlruns")));
        var list = Workspace.Must(Workspace.Run(project, "dotnet", ["lightning", "runs", "list"]));
        Assert.Contains(run.RunId, list.Output);
        Assert.Contains("FINISHED", list.Output);
        var show = Workspace.Must(Workspace.Run(project, "dotnet", ["lightning", "runs", "show", run.RunId[..8]]));
        Assert.Contains("model/lr = 0.01", show.Output);
        Assert.Contains("checkpoints/last.ckpt", show.Output);
    }

    [Fact]
    public void Fit_WithoutAProject_ListsWhatItFound()
    {
        var tool = ToolDll();
        var empty = Path.Combine(workspace.Root, "empty");
        Directory.CreateDirectory(empty);
        var none = Workspace.Run(empty, "dotnet", [tool, "fit"]);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("No project (*.csproj) was found", none.Output);

        var two = Path.Combine(workspace.Root, "two");
        Directory.CreateDirectory(two);
        File.WriteAllText(Path.Combine(two, "A.csproj"), "<Project />");
        File.WriteAllText(Path.Combine(two, "B.csproj"), "<Project />");
        var several = Workspace.Run(two, "dotnet", [tool, "fit"]);
        Assert.Equal(2, several.ExitCode);
        Assert.Contains("A.csproj, B.csproj", several.Output);
    }

    [Fact]
    public void UnknownOption_SuggestsTheNearest()
    {
        var result = Workspace.Run(workspace.Root, "dotnet", [ToolDll(), "fit", "--projct", "x"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Did you mean '--project'?", result.Output);
    }

    [Fact]
    public void Ui_WithoutMlflow_SaysHowToStartIt()
    {
        var folder = Path.Combine(workspace.Root, "ui");
        Directory.CreateDirectory(folder);
        var result = Workspace.Run(folder, "dotnet", [ToolDll(), "ui"], new Dictionary<string, string> { ["PATH"] = Path.GetDirectoryName(Environment.ProcessPath)! });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MLflow is not installed here", result.Output);
        Assert.Contains($"MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri file://{folder}/mlruns", result.Output);
    }

    [Fact]
    public void Help_IsOnEveryCommand()
    {
        foreach (var command in new[] { "fit", "validate", "test", "predict", "runs", "ui", "doctor", "sweep" })
        {
            var help = Workspace.Must(Workspace.Run(workspace.Root, "dotnet", [ToolDll(), command, "--help"]));
            Assert.Contains("Usage:", help.Output);
        }
    }

    private static string ToolDll() => Repository.Built(Path.Combine("src", "Lightning.Cli"), "Lightning.Cli.dll");
}
