using System.Runtime.InteropServices;

namespace Lightning.EndToEnd.Tests;

internal static partial class Signals
{
    public const int Interrupt = 2;

    public static void Send(int pid, int signal) => _ = SendSignal(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
