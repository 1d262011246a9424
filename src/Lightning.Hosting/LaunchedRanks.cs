using Lightning.Core.Distributed;

namespace Lightning.Hosting;

/// <summary>The ranks a launcher (mpirun, mpiexec) started on this node, found in Linux's /proc by their launch variables.</summary>
internal static class LaunchedRanks
{
    /// <summary>The process id of rank 0 among <paramref name="launcher"/>'s descendants, or null when it is not (or no longer) there.</summary>
    public static int? RankZero(int launcher) => Find(launcher).Where(r => r.Rank == 0).Select(r => (int?)r.Pid).FirstOrDefault();

    /// <summary>The process ids of every rank among <paramref name="launcher"/>'s descendants (none before they start).</summary>
    public static IReadOnlyList<int> All(int launcher) => [.. Find(launcher).Select(r => r.Pid)];

    private static IEnumerable<(int Pid, int Rank)> Find(int launcher)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var pid in Processes())
            if (Parent(pid) is { } parent) (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
        // Open MPI starts the ranks as mpirun's children, MPICH's Hydra under a proxy: the whole tree is searched, and a
        // rank is a process with the launch variables (not a launcher daemon).
        var pending = new Queue<int>([launcher]);
        while (pending.TryDequeue(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                if (LaunchEnvironment.Detect(Variables(child).GetValueOrDefault) is { } launch) yield return (child, launch.Rank);
                else pending.Enqueue(child);
            }
        }
    }

    private static IEnumerable<int> Processes() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : -1).Where(p => p > 0);

    // "pid (comm) S ppid ...": the command name may hold spaces and parentheses, so the fields follow the last ')'.
    private static int? Parent(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        var fields = stat?[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields is { Length: > 1 } && int.TryParse(fields[1], out var parent) ? parent : null;
    }

    private static Dictionary<string, string> Variables(int pid) =>
        (Read($"/proc/{pid}/environ") ?? "").Split('\0').Select(v => v.Split('=', 2)).Where(v => v.Length == 2)
            .GroupBy(v => v[0]).ToDictionary(g => g.Key, g => g.First()[1]);

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
