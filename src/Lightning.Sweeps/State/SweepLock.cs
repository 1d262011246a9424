using System.Diagnostics;

namespace Lightning.Sweeps.State;

/// <summary>One sweep per project folder at a time: a lock file naming the running sweep and its process.</summary>
internal sealed class SweepLock : IDisposable
{
    private readonly string _path;

    private SweepLock(string path) => _path = path;

    /// <exception cref="InvalidOperationException">Another sweep runs in this folder; the message names it.</exception>
    public static SweepLock Acquire(string projectFolder, string sweepId)
    {
        var root = SweepState.Root(projectFolder);
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, "active.lock");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                using var writer = new StreamWriter(stream);
                writer.Write($"{sweepId} {Environment.ProcessId}");
                return new SweepLock(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                var parts = File.ReadAllText(path).Split(' ');
                if (parts.Length == 2 && int.TryParse(parts[1], out var pid) && Alive(pid))
                    throw new InvalidOperationException($"Sweep {parts[0]} is already running in {projectFolder} (process {pid}); wait for it, stop it, or resume it later with --resume {parts[0]}.");
                // The owner died without cleaning up: the lock is stale.
                File.Delete(path);
            }
        }
        throw new InvalidOperationException($"Could not take the sweep lock {path}.");
    }

    public void Dispose() => File.Delete(_path);

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
