using System.Diagnostics;

namespace Lightning.Hosting.Processes;

/// <summary>Starts real operating-system processes.</summary>
public sealed class SystemProcessRunner : IProcessRunner
{
    /// <summary>The shared instance; it holds no state.</summary>
    public static SystemProcessRunner Instance { get; } = new();

    /// <inheritdoc />
    public IProcessHandle Start(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var capture = spec.Output == ProcessOutput.Capture;
        var info = new ProcessStartInfo(spec.File)
        {
            UseShellExecute = false,
            RedirectStandardOutput = capture,
            RedirectStandardError = capture,
        };
        if (spec.WorkingDirectory is { } folder) info.WorkingDirectory = folder;
        foreach (var argument in spec.Arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in spec.Environment)
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        return SystemProcess.Start(info, capture);
    }
}
