using System.Reflection;

namespace Lightning.Core.Tracking;

/// <summary>The tags every run carries: user, source, source type and git commit.</summary>
public static class SystemTags
{
    /// <summary>Tags for a run started from the current process in <paramref name="workingDirectory"/>.</summary>
    public static Dictionary<string, string> Collect(string? runName, string workingDirectory)
    {
        var tags = new Dictionary<string, string>
        {
            ["mlflow.user"] = Environment.UserName,
            ["mlflow.source.name"] = Assembly.GetEntryAssembly()?.GetName().Name ?? Environment.ProcessPath ?? "unknown",
            ["mlflow.source.type"] = "LOCAL",
        };
        if (runName is not null) tags["mlflow.runName"] = runName;
        if (GitCommit(workingDirectory) is { } commit) tags["mlflow.source.git.commit"] = commit;
        return tags;
    }

    /// <summary>The commit checked out in the git work tree holding <paramref name="directory"/>, read from files (no git process).</summary>
    public static string? GitCommit(string directory)
    {
        for (var folder = new DirectoryInfo(Path.GetFullPath(directory)); folder is not null; folder = folder.Parent)
        {
            var git = Path.Combine(folder.FullName, ".git");
            if (!Directory.Exists(git)) continue;
            var head = File.ReadAllText(Path.Combine(git, "HEAD")).Trim();
            if (!head.StartsWith("ref: ", StringComparison.Ordinal)) return head;
            var reference = head[5..];
            var loose = Path.Combine(git, reference);
            if (File.Exists(loose)) return File.ReadAllText(loose).Trim();
            var packed = Path.Combine(git, "packed-refs");
            return File.Exists(packed)
                ? File.ReadLines(packed).Where(l => l.EndsWith(" " + reference, StringComparison.Ordinal))
                    .Select(l => l.Split(' ')[0]).FirstOrDefault()
                : null;
        }
        return null;
    }
}
