namespace Lightning.Sweeps.State;

/// <summary>One sweep per project folder at a time.</summary>
/// <remarks>
/// The lock is an exclusive OS lock (flock, taken by <see cref="FileShare.None"/>) on <c>active.lock</c>, held open for
/// the sweep's lifetime, so the kernel frees it the moment the controller dies however it dies. A process id in a file
/// is not enough: a killed controller whose parent died too can linger as a zombie when nothing reaps it (PID 1 in many
/// containers does not), and a stale id can be reused by an unrelated process. <c>active.owner</c> beside it only
/// names the holder for the error message.
/// </remarks>
internal sealed class SweepLock : IDisposable
{
    private readonly FileStream _held;
    private readonly string _ownerPath;

    private SweepLock(FileStream held, string ownerPath)
    {
        _held = held;
        _ownerPath = ownerPath;
    }

    /// <exception cref="Running.SweepRefusedException">Another sweep runs in this folder; the message names it.</exception>
    public static SweepLock Acquire(string projectFolder, string sweepId)
    {
        var root = SweepState.Root(projectFolder);
        Directory.CreateDirectory(root);
        var ownerPath = Path.Combine(root, "active.owner");
        FileStream held;
        try
        {
            held = new FileStream(Path.Combine(root, "active.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new Running.SweepRefusedException(Describe(ReadOwner(ownerPath), projectFolder));
        }
        File.WriteAllText(ownerPath, $"{sweepId} {Environment.ProcessId}");
        return new SweepLock(held, ownerPath);
    }

    public void Dispose()
    {
        File.Delete(_ownerPath);
        _held.Dispose();
    }

    private static string Describe(string[]? owner, string projectFolder) => owner is [var id, var pid]
        ? $"Sweep {id} is already running in {projectFolder} (process {pid}); wait for it, stop it, or resume it later with --resume {id}."
        : $"Another sweep is already running in {projectFolder}; wait for it or stop it, then try again.";

    private static string[]? ReadOwner(string ownerPath)
    {
        try
        {
            return File.ReadAllText(ownerPath).Split(' ');
        }
        catch (IOException)
        {
            // The holder has the lock but has not named itself yet.
            return null;
        }
    }
}
