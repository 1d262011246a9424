namespace Lightning.Hosting.Processes;

/// <summary>Finds a program the way a shell would, so a message can say "not installed" before anything starts.</summary>
public static class ExecutableSearch
{
    /// <summary>The first file called <paramref name="name"/> in a folder of PATH, or null when none has one.</summary>
    public static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
