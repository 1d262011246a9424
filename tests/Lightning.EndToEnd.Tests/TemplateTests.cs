using Snapshooter.Xunit;

namespace Lightning.EndToEnd.Tests;

/// <summary>What dotnet new lightning generates, held steady by snapshots so template changes are deliberate.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class TemplateTests(Workspace workspace)
{
    private static string[] Files(string project) =>
        Directory.EnumerateFiles(project, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(project, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Default_GeneratesTheDocumentedFiles()
    {
        var project = workspace.Scaffold("Digits");
        Snapshot.Match(Files(project));
        var csproj = File.ReadAllText(Path.Combine(project, "Digits.csproj"));
        Assert.Contains($"Include=\"Lightning.Build\" Version=\"{workspace.Version}\"", csproj);
        Assert.Contains("libtorch-cpu-linux-x64", csproj);
        Assert.DoesNotContain("TorchSharp-cuda-linux", csproj);
        Assert.Contains(workspace.Version, File.ReadAllText(Path.Combine(project, ".config", "dotnet-tools.json")));
    }

    [Fact]
    public void LightningYaml_IsStable()
    {
        var project = workspace.Scaffold("Digits");
        Snapshot.Match(File.ReadAllText(Path.Combine(project, "lightning.yaml")));
    }

    [Fact]
    public void Regression_GeneratesTheSameFilesWithItsMetric()
    {
        var project = workspace.Scaffold("Prices", "--task", "regression");
        Snapshot.Match(Files(project));
        var module = File.ReadAllText(Path.Combine(project, "PricesModule.cs"));
        Assert.Contains("\"val_mae\"", module);
        Assert.DoesNotContain("\"val_acc\"", module);
    }

    [Fact]
    public void Cuda_ReferencesTheCudaPackage()
    {
        var project = workspace.Scaffold("Gpu", "--backend", "cuda");
        var csproj = File.ReadAllText(Path.Combine(project, "Gpu.csproj"));
        Assert.Contains("<PackageReference Include=\"TorchSharp-cuda-linux\" Version=\"0.107.0\" />", csproj);
        Assert.DoesNotContain("libtorch-cpu", csproj);
        Assert.Contains("NVIDIA GPU", File.ReadAllText(Path.Combine(project, "README.md")));
    }

    [Fact]
    public void TrackingUri_IsWrittenToLightningYaml()
    {
        var project = workspace.Scaffold("Remote", "--tracking-uri", "http://mlflow.example:5000");
        Assert.Contains("uri: http://mlflow.example:5000", File.ReadAllText(Path.Combine(project, "lightning.yaml")));
    }

    [Fact]
    public void PackageSource_RestoresOutsideTheRepositoryWithAnEmptyNuGetCache()
    {
        // Outside the workspace, whose folder-local nuget.config would otherwise supply the feed.
        var outside = Directory.CreateTempSubdirectory("lightning-outside-").FullName;
        var packages = Directory.CreateTempSubdirectory("lightning-empty-nuget-").FullName;
        try
        {
            // A relative folder is made absolute from the current directory (PWD, as a shell sets it).
            var relative = Path.GetRelativePath(outside, workspace.Feed);
            var shell = new Dictionary<string, string> { ["PWD"] = outside };
            Workspace.Must(Workspace.Run(outside, "dotnet",
                ["new", "lightning", "-n", "Away", "-o", "Away", "--no-restore", "--debug:custom-hive", workspace.Hive, "--package-source", relative],
                shell));
            var project = Path.Combine(outside, "Away");
            var source = System.Xml.Linq.XDocument.Load(Path.Combine(project, "nuget.config")).Descendants("add").Single().Attribute("value")!.Value;
            Assert.True(Path.IsPathRooted(source), source);
            Assert.Equal(workspace.Feed, Path.GetFullPath(source));

            // Only the HTTP cache is kept, so nothing is downloaded again; every package comes from a source.
            var empty = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };
            Workspace.Must(Workspace.Run(project, "dotnet", ["restore"], empty));
            Workspace.Must(Workspace.Run(project, "dotnet", ["tool", "restore"], empty));
            Assert.True(Directory.Exists(Path.Combine(packages, "lightning.build", workspace.Version)));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
            Directory.Delete(packages, recursive: true);
        }
    }

    [Fact]
    public void UnknownBackend_IsRefusedListingTheChoices()
    {
        var folder = Path.Combine(workspace.Root, "rocm");
        Directory.CreateDirectory(folder);
        var result = Workspace.Run(folder, "dotnet", ["new", "lightning", "-n", "Rocm", "--backend", "rocm", "--debug:custom-hive", workspace.Hive]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("rocm", result.Output);
        Assert.Contains("cpu", result.Output);
        Assert.Contains("cuda", result.Output);
        Assert.False(Directory.Exists(Path.Combine(folder, "Rocm")));
    }
}
