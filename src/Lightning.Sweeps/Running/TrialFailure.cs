namespace Lightning.Sweeps.Running;

/// <summary>What a failed trial's line says: the error message from the end of its output, without stack frames.</summary>
internal static class TrialFailure
{
    private const int Tail = 50;
    private const int Kept = 3;

    /// <summary>The last message lines of the trial's output at <paramref name="logPath"/>, or null when it wrote none.</summary>
    public static string? Message(string logPath)
    {
        if (!File.Exists(logPath)) return null;
        var lines = File.ReadLines(logPath).TakeLast(Tail).Where(l => l.Trim().Length > 0 && !IsStackLine(l)).TakeLast(Kept).ToList();
        return lines.Count == 0 ? null : string.Join(Environment.NewLine, lines.Select(l => l.Trim()));
    }

    // "   at Type.Method() in file:line 12" and "--- End of stack trace from previous location ---" / "--- End of inner exception stack trace ---".
    private static bool IsStackLine(string line) =>
        (char.IsWhiteSpace(line[0]) && line.TrimStart().StartsWith("at ", StringComparison.Ordinal))
        || line.TrimStart().StartsWith("--- End of", StringComparison.Ordinal);
}
