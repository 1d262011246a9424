namespace Lightning.Hosting.Processes;

/// <summary>
/// Finds the processes that carry an environment marker (a variable set for a child and inherited by everything it
/// starts), so a launcher's own workers can be signalled without knowing how the launcher arranges them.
/// </summary>
internal static class MarkedProcesses
{
    /// <summary>
    /// The ids of running processes of <paramref name="executable"/> whose environment holds
    /// <paramref name="name"/>=<paramref name="value"/> (not the launcher's own daemons, which inherit it too); Linux only.
    /// </summary>
    public static IReadOnlyList<int> With(string name, string value, string executable)
    {
        if (!OperatingSystem.IsLinux()) return [];
        var marker = $"{name}={value}";
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (new FileInfo(Path.Combine(folder, "exe")).ResolveLinkTarget(returnFinalTarget: true)?.FullName != executable) continue;
                if (File.ReadAllText(Path.Combine(folder, "environ")).Split('\0').Contains(marker)) found.Add(pid);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // A process that ended meanwhile, or one of another user: not ours.
            }
        }
        return found;
    }
}
