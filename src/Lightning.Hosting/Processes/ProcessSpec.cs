namespace Lightning.Hosting.Processes;

/// <summary>What to start: a program, its arguments (no shell quoting), where it runs and with which environment.</summary>
/// <param name="File">The program, found on PATH when it has no folder.</param>
/// <param name="Arguments">One item per argument.</param>
public sealed record ProcessSpec(string File, IReadOnlyList<string> Arguments)
{
    /// <summary>The folder the child runs in; null keeps this process's current folder.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables set over the inherited environment; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Whether output is captured line by line or goes straight to this console.</summary>
    public ProcessOutput Output { get; init; } = ProcessOutput.Capture;

    /// <summary>The command line as a person would type it, for messages.</summary>
    public override string ToString() => string.Join(' ', [File, .. Arguments]);
}
