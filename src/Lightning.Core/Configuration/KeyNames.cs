using System.Text;

namespace Lightning.Core.Configuration;

/// <summary>
/// Key spelling. Keys match ignoring case, underscores and dashes, so <c>max_epochs</c>, <c>maxEpochs</c> and
/// <c>MAX_EPOCHS</c> (environment variables) name one key; output uses snake_case.
/// </summary>
public static class KeyNames
{
    /// <summary>The matching form of a key: lower case without separators.</summary>
    public static string Normalize(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var c in key)
            if (c != '_' && c != '-') builder.Append(char.ToLowerInvariant(c));
        return builder.ToString();
    }

    /// <summary>snake_case of a PascalCase or camelCase name (<c>MaxEpochs</c> → <c>max_epochs</c>).</summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var boundary = i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) ||
                                                             (i + 1 < name.Length && char.IsLower(name[i + 1])));
                if (boundary) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>The candidate nearest to <paramref name="key"/> by edit distance, if it is near enough to be a typo.</summary>
    public static string? Suggest(string key, IEnumerable<string> candidates)
    {
        var wanted = Normalize(key);
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(wanted, Normalize(c))))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        return best.Candidate is not null && best.Distance <= Math.Max(2, wanted.Length / 3) ? best.Candidate : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
