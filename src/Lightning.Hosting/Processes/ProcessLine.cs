namespace Lightning.Hosting.Processes;

/// <summary>One line a child process wrote, and whether it came on standard error.</summary>
public readonly record struct ProcessLine(string Text, bool IsError);
