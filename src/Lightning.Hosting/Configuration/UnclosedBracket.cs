namespace Lightning.Hosting.Configuration;

/// <summary>
/// Finds the line of a flow list or mapping that is never closed (<c>batch_size: [32</c>): YamlDotNet's scanner then
/// fails with an InvalidOperationException that carries no position, so the line to fix is found here.
/// </summary>
internal static class UnclosedBracket
{
    /// <summary>The 1-based line whose '[' or '{' (outside quotes and comments) is still open at its end; null if none.</summary>
    public static int? LineOf(IEnumerable<string> lines)
    {
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            var depth = 0;
            var quote = '\0';
            foreach (var c in line)
            {
                if (quote != '\0')
                {
                    if (c == quote) quote = '\0';
                    continue;
                }
                if (c is '"' or '\'') quote = c;
                else if (c == '#') break;
                else if (c is '[' or '{') depth++;
                else if (c is ']' or '}') depth--;
            }
            if (depth > 0) return number;
        }
        return null;
    }
}
