using Lightning.Core.Checkpoints;

namespace Lightning.Hosting;

/// <summary>Resolves <c>--ckpt-path</c>: <c>last</c> (the newest last.ckpt), <c>best</c> (the best one it records) or a file path.</summary>
public static class CheckpointLocator
{
    /// <summary>Whether any checkpoint exists under <paramref name="roots"/>.</summary>
    public static bool Exists(IEnumerable<string> roots) =>
        roots.Select(Path.GetFullPath).Distinct().Where(Directory.Exists)
            .Any(r => Directory.EnumerateFiles(r, "*.ckpt", SearchOption.AllDirectories).Any());

    /// <summary>The checkpoint file <paramref name="spec"/> names, searching <paramref name="roots"/> for last/best.</summary>
    /// <exception cref="CheckpointException">Nothing matches.</exception>
    public static string? Resolve(string? spec, IEnumerable<string> roots)
    {
        if (string.IsNullOrWhiteSpace(spec)) return null;
        if (spec is not ("last" or "best"))
            return File.Exists(spec)
                ? Path.GetFullPath(spec)
                : throw new CheckpointException($"Checkpoint '{Path.GetFullPath(spec)}' does not exist; pass a .ckpt file, 'last' or 'best'.");

        var searched = roots.Select(Path.GetFullPath).Distinct().ToList();
        var last = searched.Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "last.ckpt", SearchOption.AllDirectories))
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault()
            ?? throw new CheckpointException($"No last.ckpt was found under {string.Join(", ", searched)}; train first, or pass a checkpoint path.");
        if (spec == "last") return last;

        var best = CheckpointFile.Read(last).State["callbacks"]?.AsObject()
            .Where(c => c.Key.StartsWith("ModelCheckpoint", StringComparison.Ordinal))
            .Select(c => c.Value?["best_model_path"]?.GetValue<string>())
            .FirstOrDefault(p => p is not null);
        return best is not null && File.Exists(best)
            ? best
            : throw new CheckpointException($"The newest last.ckpt ('{last}') records no best checkpoint that still exists; pass 'last' or a path.");
    }
}
