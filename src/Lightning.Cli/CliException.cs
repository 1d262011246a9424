namespace Lightning.Cli;

/// <summary>A problem with how the tool was called or where; the message says what to do. Exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
