namespace Lightning.TestSupport;

/// <summary>Where the repository and the outputs of its projects are, seen from a test or benchmark binary.</summary>
public static class Repository
{
    /// <summary>The folder holding Runner.sln.</summary>
    public static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "Runner.sln"))) return folder.FullName;
            throw new InvalidOperationException("Runner.sln was not found above the running binary's folder.");
        }
    }

    /// <summary>
    /// The built <paramref name="assembly"/> of <paramref name="project"/> (e.g. tests/Lightning.TestApp), in the same
    /// configuration and target framework as the running binary.
    /// </summary>
    public static string Built(string project, string assembly)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var path = Path.Combine(Root, project, "bin", output.Parent!.Name, output.Name, assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} first: {path} is missing.");
    }
}
