using System.Runtime.InteropServices;

namespace Lightning.Hosting.Processes;

/// <summary>The one place that sends POSIX signals to a process id (libc <c>kill</c>).</summary>
public static partial class ProcessSignals
{
    /// <summary>SIGINT: what Ctrl+C sends.</summary>
    public const int Interrupt = 2;

    /// <summary>SIGKILL: cannot be caught.</summary>
    public const int Kill = 9;

    /// <summary>SIGUSR1: Slurm's warning before the time limit.</summary>
    public const int User1 = 10;

    /// <summary>SIGUSR2: a stop sent to one rank of a job by the process that launched it, which no launcher kill follows.</summary>
    public const int User2 = 12;

    /// <summary>SIGTERM: the polite stop request.</summary>
    public const int Terminate = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when it could not be sent (no such process, no right).</summary>
    public static bool Send(int pid, int signal) => !OperatingSystem.IsWindows() && SendSignal(pid, signal) == 0;

    /// <summary>The errno of the last failed <see cref="Send"/> on this thread.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
