using System.Text;

namespace Lightning.Mlflow;

/// <summary>
/// Makes metric, param and tag keys valid for MLflow before they leave the process: allowed characters are letters,
/// digits, '_', '-', '.', ' ' and '/'; a key must not change under path normalisation (no '..', leading '/', '//',
/// trailing '/', './'), and is at most 250 characters. Invalid keys are rewritten and reported once each, so a bad
/// name never makes the server refuse a whole batch.
/// </summary>
public sealed class KeySanitizer(Action<string> warn)
{
    private readonly Dictionary<string, string> _seen = [];
    private readonly Lock _gate = new();

    /// <summary>The valid form of <paramref name="key"/>; the first time a key is changed, a warning names both forms.</summary>
    public string Sanitize(string key, string kind)
    {
        lock (_gate)
        {
            if (_seen.TryGetValue(key, out var known)) return known;
            var clean = Clean(key);
            _seen[key] = clean;
            if (clean != key)
                warn($"MLflow {kind} key '{Printable(key)}' is not valid (allowed: letters, digits, _ - . space /, no '..' or leading '/', " +
                    $"at most {MlflowLimits.KeyLength} characters); logging it as '{clean}'.");
            return clean;
        }
    }

    /// <summary>Whether <paramref name="key"/> is valid as it is.</summary>
    public static bool IsValid(string key) => key.Length > 0 && Clean(key) == key;

    private static string Clean(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var c in key) builder.Append(char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or ' ' or '/' ? c : '_');
        var segments = builder.ToString().Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s != ".")
            .Select(s => s == ".." ? "__" : s);
        var clean = string.Join('/', segments);
        if (clean.Length == 0) clean = "_";
        if (clean.StartsWith("..", StringComparison.Ordinal)) clean = "_" + clean[1..];
        return clean.Length > MlflowLimits.KeyLength ? clean[..MlflowLimits.KeyLength] : clean;
    }

    private static string Printable(string key) => key.Replace("\0", "\\0", StringComparison.Ordinal);
}
