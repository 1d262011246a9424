using Lightning.Hosting.Processes;

namespace Lightning.TestSupport;

/// <summary>Signals for tests: the seam's numbers, and a send that fails the test when the signal could not be sent.</summary>
public static class Signals
{
    public const int Interrupt = ProcessSignals.Interrupt;
    public const int Kill = ProcessSignals.Kill;
    public const int User1 = ProcessSignals.User1;
    public const int Terminate = ProcessSignals.Terminate;

    public static void Send(int pid, int signal)
    {
        if (!ProcessSignals.Send(pid, signal)) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {ProcessSignals.LastError}");
    }
}
