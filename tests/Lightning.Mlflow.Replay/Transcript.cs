using System.Text.Json.Nodes;

namespace Lightning.Mlflow.Replay;

/// <summary>One recorded exchange with a real MLflow 2.12.2 server: the request line, status, headers and body of the answer.</summary>
public sealed record Transcript(string Name, string Method, string Path, int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    private static readonly Lazy<Dictionary<string, Transcript>> All = new(Load);

    /// <summary>The transcript whose file name starts with <paramref name="number"/> (e.g. "03").</summary>
    public static Transcript Get(string number) => All.Value[number];

    /// <summary>The numbers of every exchange loaded (file listings such as 62, 63 and 97 are not exchanges).</summary>
    public static IReadOnlyCollection<string> Numbers => All.Value.Keys;

    /// <summary>The body as JSON (a fresh copy each time).</summary>
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    /// <summary>The recorded message, for error transcripts.</summary>
    public string Message => Json["message"]!.GetValue<string>();

    public static Transcript Parse(string name, string text)
    {
        var lines = text.Split('\n');
        var request = lines.First(l => l.StartsWith("### ", StringComparison.Ordinal))[4..].Split(' ', 2);
        var statusLine = lines.First(l => l.StartsWith("< HTTP/", StringComparison.Ordinal));
        var headers = lines.Where(l => l.StartsWith("< ", StringComparison.Ordinal) && l.Contains(": ", StringComparison.Ordinal))
            .Select(l => l[2..].Split(": ", 2)).GroupBy(p => p[0], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1].TrimEnd('\r'), StringComparer.OrdinalIgnoreCase);
        var start = Array.FindIndex(lines, l => l.StartsWith("### response body:", StringComparison.Ordinal)) + 1;
        var end = Array.FindIndex(lines, start, l => l.StartsWith("### response body (pretty)", StringComparison.Ordinal));
        var body = string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]).Trim();
        return new Transcript(name, request[0], request[1],
            int.Parse(statusLine[2..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, body);
    }

    // 00 is the catalogue; 62, 63 and 97 record file-store trees, not request/response pairs.
    private static Dictionary<string, Transcript> Load()
    {
        var folder = System.IO.Path.Combine(AppContext.BaseDirectory, "Transcripts");
        return Directory.EnumerateFiles(folder, "*.txt")
            .Where(f => System.IO.Path.GetFileName(f)[..2] is not ("00" or "62" or "63" or "97"))
            .Select(f => Parse(System.IO.Path.GetFileNameWithoutExtension(f), File.ReadAllText(f)))
            .ToDictionary(t => t.Name[..2]);
    }
}
