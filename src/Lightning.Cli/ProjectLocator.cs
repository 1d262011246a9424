namespace Lightning.Cli;

/// <summary>Finds the project to run: <c>--project</c> (a .csproj or a folder), else the one project in the current folder.</summary>
internal static class ProjectLocator
{
    /// <exception cref="CliException">No project, or several, were found.</exception>
    public static string Find(string? given, string currentDirectory)
    {
        if (given is not null && File.Exists(given) && given.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)) return Path.GetFullPath(given);
        var folder = Path.GetFullPath(given ?? currentDirectory);
        if (!Directory.Exists(folder))
            throw new CliException($"'{given}' is neither a .csproj file nor a folder.");
        var projects = Directory.GetFiles(folder, "*.csproj").Order(StringComparer.Ordinal).ToList();
        return projects.Count switch
        {
            1 => projects[0],
            0 => throw new CliException($"No project (*.csproj) was found in {folder}. " +
                "Run in a Lightning project folder (dotnet new lightning -n NAME) or pass --project PATH."),
            _ => throw new CliException($"Several projects were found in {folder}: {string.Join(", ", projects.Select(Path.GetFileName))}. " +
                "Pass --project with the one to run."),
        };
    }
}
