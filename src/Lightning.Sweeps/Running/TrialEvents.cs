using System.Text;
using System.Text.Json.Nodes;

namespace Lightning.Sweeps.Running;

/// <summary>Follows one trial's events file (the driver contract), returning complete new lines as they appear.</summary>
internal sealed class TrialEvents(string path)
{
    private long _offset;

    /// <summary>The events file (decision files for the trial sit beside it).</summary>
    public string Path => path;

    public IEnumerable<JsonObject> ReadNew()
    {
        if (!File.Exists(path)) yield break;
        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            stream.Seek(_offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text = reader.ReadToEnd();
        }
        var complete = text.LastIndexOf('\n');
        if (complete < 0) yield break;
        _offset += Encoding.UTF8.GetByteCount(text[..(complete + 1)]);
        foreach (var line in text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (JsonNode.Parse(line) is JsonObject json) yield return json;
    }
}
