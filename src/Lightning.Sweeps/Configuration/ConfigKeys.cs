namespace Lightning.Sweeps.Configuration;

/// <summary>The dotted keys of a configuration printed as YAML (<c>model:\n  lr: 0.1</c> → <c>model.lr</c>).</summary>
internal static class ConfigKeys
{
    public static List<string> Of(string yaml)
    {
        var keys = new List<string>();
        var path = new List<(int Indent, string Name)>();
        foreach (var line in yaml.Split('\n'))
        {
            var trimmed = line.TrimEnd();
            var colon = trimmed.IndexOf(':');
            if (colon <= 0 || trimmed.TrimStart().StartsWith('#')) continue;
            var indent = trimmed.Length - trimmed.TrimStart().Length;
            path.RemoveAll(p => p.Indent >= indent);
            var name = trimmed[..colon].Trim();
            path.Add((indent, name));
            if (trimmed[(colon + 1)..].Trim().Length > 0 || !yaml.Contains(trimmed + "\n" + new string(' ', indent + 2), StringComparison.Ordinal))
                keys.Add(string.Join('.', path.Select(p => p.Name)));
        }
        return keys;
    }
}
