namespace Lightning.Core.Data.Streaming;

/// <summary>One non-blank line of a line-format file (CSV, JSONL) and where it is, for error messages.</summary>
/// <param name="Text">The line, without its line break.</param>
/// <param name="Line">1-based line number in the file.</param>
public readonly record struct LineRecord(string Text, long Line);
