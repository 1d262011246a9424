using System.Globalization;
using System.Text;

namespace Lightning.Mlflow.Stores;

/// <summary>
/// Writes the <c>meta.yaml</c> files of the MLflow file store as its Python writer does: keys sorted,
/// ids as quoted strings, times as integers, <c>null</c> for a missing end time. Written to a temporary file and
/// renamed, so a reader never sees half a file.
/// </summary>
internal static class MetaYaml
{
    public static void Write(string path, IReadOnlyDictionary<string, object?> fields)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
            builder.Append(key).Append(": ").Append(Format(value)).Append('\n');
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, builder.ToString());
        File.Move(temporary, path, overwrite: true);
    }

    public static Dictionary<string, string?> Read(string path)
    {
        var result = new Dictionary<string, string?>();
        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0) continue;
            var raw = line[(colon + 2)..].Trim();
            result[line[..colon]] = raw == "null" ? null : raw.StartsWith('\'') ? raw[1..^1].Replace("''", "'", StringComparison.Ordinal) : raw;
        }
        return result;
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        Array { Length: 0 } => "[]",
        string text => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'",
        // A nested map (a run input's tags), one indented line per entry.
        IReadOnlyDictionary<string, string> map => string.Concat(map.Select(e => $"\n  {e.Key}: {Format(e.Value)}")),
        _ => throw new ArgumentException($"meta.yaml cannot hold a {value.GetType().Name}."),
    };
}
