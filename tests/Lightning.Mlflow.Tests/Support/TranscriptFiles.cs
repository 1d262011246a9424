using System.Text.Json.Nodes;

namespace Lightning.Mlflow.Tests.Support;

/// <summary>The parts of a transcript file the replay loader does not keep: request bodies and file listings (97).</summary>
public static class TranscriptFiles
{
    private static string Text(string number) =>
        File.ReadAllText(Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Transcripts"), number + "-*.txt").Single());

    /// <summary>The request body the real client sent.</summary>
    public static JsonObject RequestBody(string number)
    {
        var lines = Text(number).Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("### request body:", StringComparison.Ordinal)) + 1;
        return JsonNode.Parse(lines[start])!.AsObject();
    }

    /// <summary>The content of the file at <paramref name="path"/> (relative to the store) in a file listing.</summary>
    public static string ListedFile(string number, string path)
    {
        var lines = Text(number).Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("--- " + path, StringComparison.Ordinal)) + 1;
        Assert.True(start > 0, $"transcript {number} lists no {path}");
        var end = Array.FindIndex(lines, start,
            l => l.StartsWith("--- ", StringComparison.Ordinal) || l.StartsWith("### ", StringComparison.Ordinal));
        return string.Join('\n', lines[start..end]).TrimEnd('\n') + "\n";
    }
}
