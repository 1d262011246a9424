namespace Lightning.Hosting.Processes;

/// <summary>Where a child process's standard output and error go.</summary>
public enum ProcessOutput
{
    /// <summary>Redirected: every line arrives on <see cref="IProcessHandle.Lines"/>, which must be read.</summary>
    Capture,

    /// <summary>Not redirected: the child writes to this process's console (a terminal sees a terminal).</summary>
    Inherit,
}
