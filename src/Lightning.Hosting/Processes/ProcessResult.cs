namespace Lightning.Hosting.Processes;

/// <summary>How a captured process ended: its exit code (-1 when it timed out), its standard output and its standard error.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error, bool TimedOut);
