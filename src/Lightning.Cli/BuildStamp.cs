using System.Text.RegularExpressions;

namespace Lightning.Cli;

/// <summary>
/// The tool's record of its last successful build of a project: the app it produced and a fingerprint (path, size and
/// time of each build input) taken just before that build. A command skips <c>dotnet build</c>, whose start-up alone
/// costs seconds, when the fingerprint is unchanged: an edit, a new file or a deleted one all change it, and a file
/// edited while the build ran differs from the fingerprint taken before, so it rebuilds next time.
/// </summary>
/// <remarks>
/// Build inputs are the sources and MSBuild files under the folder of the project and of each project it references
/// (a reference whose path MSBuild would have to compute always builds), and the MSBuild, NuGet and SDK files of the
/// folders above; configuration (lightning.yaml), data, runs and the build's own outputs are not.
/// </remarks>
internal sealed partial class BuildStamp(string project)
{
    private static readonly HashSet<string> InputExtensions =
        new([".cs", ".csproj", ".props", ".targets", ".resx", ".rsp", ".editorconfig", ".globalconfig"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> InputNames =
        new(["nuget.config", "global.json", "packages.lock.json"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> SkippedFolders = new(["bin", "obj", "mlruns", "lightning_logs"], StringComparer.OrdinalIgnoreCase);
    private static readonly string[] FilesAbove =
        ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "Directory.Build.rsp", "global.json", "nuget.config"];

    private string StampPath => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(project))!, "obj", "lightning-tool.buildstamp");

    /// <summary>The build inputs as they are now, or null when they cannot be known (a computed project reference).</summary>
    public string? Fingerprint()
    {
        if (ProjectFolders() is not { } folders) return null;
        var lines = Inputs(folders).Distinct().Order(StringComparer.Ordinal).Select(path =>
        {
            var file = new FileInfo(path);
            return $"{path}|{file.Length}|{file.LastWriteTimeUtc.Ticks}";
        });
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    /// <summary>The app of the last build when its inputs had <paramref name="fingerprint"/>; otherwise null.</summary>
    public string? CurrentApp(string? fingerprint)
    {
        if (fingerprint is null || !File.Exists(StampPath)) return null;
        var lines = File.ReadAllLines(StampPath);
        return lines is [var app, var recorded] && recorded == fingerprint && File.Exists(app) ? app : null;
    }

    /// <summary>Records <paramref name="app"/> as built from inputs with <paramref name="fingerprint"/> (taken before the build).</summary>
    public void Record(string app, string? fingerprint)
    {
        if (fingerprint is null) return;
        Directory.CreateDirectory(Path.GetDirectoryName(StampPath)!);
        File.WriteAllLines(StampPath, [app, fingerprint]);
    }

    /// <summary>The folders of this project and of the projects it references, transitively; null when a path is computed.</summary>
    private List<string>? ProjectFolders()
    {
        var folders = new List<string>();
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        var seen = new HashSet<string>();
        while (pending.TryPop(out var file))
        {
            if (!seen.Add(file)) continue;
            if (!File.Exists(file)) return null;
            var folder = Path.GetDirectoryName(file)!;
            folders.Add(folder);
            foreach (Match reference in ProjectReference().Matches(File.ReadAllText(file)))
            {
                var include = reference.Groups[1].Value;
                if (include.Contains("$(", StringComparison.Ordinal) || include.Contains('*')) return null;
                pending.Push(Path.GetFullPath(Path.Combine(folder, include.Replace('\\', '/'))));
            }
        }
        return folders;
    }

    private static IEnumerable<string> Inputs(List<string> projectFolders)
    {
        foreach (var file in projectFolders.SelectMany(Under)) yield return file;
        foreach (var projectFolder in projectFolders)
            for (var above = Directory.GetParent(projectFolder); above is not null; above = above.Parent)
                foreach (var name in FilesAbove)
                    if (File.Exists(Path.Combine(above.FullName, name))) yield return Path.Combine(above.FullName, name);
    }

    private static IEnumerable<string> Under(string root)
    {
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var name = Path.GetFileName(file);
                if (InputExtensions.Contains(Path.GetExtension(name)) || InputNames.Contains(name)) yield return file;
            }
            foreach (var child in Directory.EnumerateDirectories(folder))
            {
                var name = Path.GetFileName(child);
                if (!name.StartsWith('.') && !SkippedFolders.Contains(name)) pending.Push(child);
            }
        }
    }

    [GeneratedRegex(@"<ProjectReference\s+Include\s*=\s*""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ProjectReference();
}
