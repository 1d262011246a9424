namespace Lightning.Mlflow.Stores;

/// <summary>Checks artifact paths: relative, '/'-separated, no NUL, nothing that leaves the run's artifact root.</summary>
public static class ArtifactPaths
{
    /// <summary>The normalised path, or an exception naming the path and the rule it breaks.</summary>
    /// <exception cref="ArgumentException">The path is absolute, contains NUL, or climbs out with '..'.</exception>
    public static string Validate(string artifactPath)
    {
        if (artifactPath.Contains('\0'))
            throw new ArgumentException(
                $"Artifact path '{artifactPath.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character.", nameof(artifactPath));
        if (artifactPath.StartsWith('/') || artifactPath.StartsWith('\\') || Path.IsPathRooted(artifactPath))
            throw new ArgumentException($"Artifact path '{artifactPath}' must be relative to the run's artifact root.", nameof(artifactPath));
        var segments = artifactPath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Count == 0 || segments.Contains(".."))
            throw new ArgumentException(
                $"Artifact path '{artifactPath}' must name a file inside the run's artifact root, without '..'.", nameof(artifactPath));
        return string.Join('/', segments);
    }

    /// <summary>The file <paramref name="artifactPath"/> maps to under <paramref name="root"/>, never outside it.</summary>
    public static string Resolve(string root, string artifactPath)
    {
        var full = Path.GetFullPath(Path.Combine(root, Validate(artifactPath)));
        var prefix = Path.GetFullPath(root).TrimEnd('/') + "/";
        return full.StartsWith(prefix, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"Artifact path '{artifactPath}' leaves the run's artifact root.", nameof(artifactPath));
    }
}
