using Lightning.Mlflow.Stores;

namespace Lightning.EndToEnd.Tests;

/// <summary>dotnet new lightning --task image, trained on the shapes it generates, as a user does it.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ImageTemplateTests(Workspace workspace)
{
    [Fact]
    public void Image_GeneratesShapesAndLearnsThem()
    {
        var project = workspace.Scaffold("Shapes", "--task", "image");
        Assert.False(File.Exists(Path.Combine(project, "CsvTable.cs")));
        Assert.Contains("Lightning.Vision", File.ReadAllText(Path.Combine(project, "Shapes.csproj")));

        var result = Workspace.Must(Workspace.Run(project, "dotnet", ["build", "-t:Train", "-p:MaxEpochs=6"]));

        Assert.Contains("No folder at data/shapes: wrote a sample set of 600 images of circle, square, triangle there.", result.Output);
        Assert.Equal(["circle", "square", "triangle"], Directory.GetDirectories(Path.Combine(project, "data", "shapes"))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var run = Assert.Single(FileStoreReader.Runs(Path.Combine(project, "mlruns")));
        Assert.Equal("FINISHED", run.Status);
        var accuracy = run.LatestMetrics()["val_acc"];
        Assert.True(accuracy > 0.9, $"val_acc {accuracy} after training on the shapes:\n{result.Output}");
    }
}
