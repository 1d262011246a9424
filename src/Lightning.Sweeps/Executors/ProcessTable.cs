namespace Lightning.Sweeps.Executors;

/// <summary>What Linux's /proc says of a process that may not be this one's child (a trial a dead controller left).</summary>
internal static class ProcessTable
{
    /// <summary>The state letter (R, S, D, Z for a zombie, ...), or null when there is no such process.</summary>
    public static char? State(int pid)
    {
        try
        {
            // "pid (comm) S ...": the command name may hold spaces and parentheses, so the state follows the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The command line's arguments, or none when there is no such process.</summary>
    public static string[] Arguments(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
