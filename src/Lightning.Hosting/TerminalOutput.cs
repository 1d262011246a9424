using Lightning.Core.Distributed;

namespace Lightning.Hosting;

/// <summary>
/// Whether standard output is a terminal a person watches (live progress) rather than a file or a pipe (plain lines).
/// Open MPI gives each rank a pseudo-terminal even when mpirun's own output goes to a file or a pipe, so under Open MPI
/// the answer is the launcher's: a rank's output reaches a terminal only if its parent (mpirun on this node, orted on
/// another) writes to one.
/// </summary>
internal static class TerminalOutput
{
    /// <summary>
    /// The answer for this process. A rank whose pseudo-terminal leads to no terminal also tells .NET's console so
    /// (TERM=dumb, read when the console first sets the terminal up), which otherwise writes terminal escape codes into
    /// the log, as the app's own relaunch tells its ranks.
    /// </summary>
    public static bool Detect()
    {
#pragma warning disable RS0030 // The console is what is asked about.
        if (Console.IsOutputRedirected) return false;
#pragma warning restore RS0030
        if (LaunchEnvironment.Detect() is not { Launcher: "Open MPI" } || ParentWritesToTerminal("/proc")) return true;
        Environment.SetEnvironmentVariable("TERM", "dumb");
        return false;
    }

    /// <summary>Whether this process's parent has a terminal as its standard output, read from <paramref name="proc"/>.</summary>
    internal static bool ParentWritesToTerminal(string proc)
    {
        try
        {
            // The parent's pid is the field after the command name, which is in parentheses and may hold spaces.
            var stat = File.ReadAllText(Path.Combine(proc, "self", "stat"));
            var parent = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1];
            var output = new FileInfo(Path.Combine(proc, parent, "fd", "1")).LinkTarget ?? "";
            return output.StartsWith("/dev/pts/", StringComparison.Ordinal) || output.StartsWith("/dev/tty", StringComparison.Ordinal);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            // Unknown: plain lines read well anywhere, a live bar in a log file does not.
            return false;
        }
    }
}
