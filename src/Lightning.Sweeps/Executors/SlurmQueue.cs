using System.Globalization;
using Lightning.Hosting;

namespace Lightning.Sweeps.Executors;

/// <summary>
/// What Slurm's queue says about this user's jobs, read with one <c>squeue</c> per poll however many trials run, so
/// a sweep of many trials does not load the controller with a query per trial.
/// </summary>
internal sealed class SlurmQueue(IReadOnlyDictionary<string, string> environment, TimeProvider time)
{
    // The runner polls every trial in turn within one pass; a pass shares one answer.
    private static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(500);

    private Dictionary<string, string> _states = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public IReadOnlyDictionary<string, string> Environment => environment;

    /// <summary>Reads the queue again unless the last answer is fresh. False when squeue did not answer.</summary>
    public bool Refresh(bool force)
    {
        if (!force && time.GetUtcNow() - _readAt < Freshness) return true;
        // -r lists each array task on its own line (123_4) instead of folding the pending ones (123_[4-9%2]).
        var (code, output) = SlurmCommand.Run("squeue", ["-h", "-r", "-u", System.Environment.UserName, "-o", "%i %T"],
            TimeSpan.FromSeconds(20), environment);
        if (code != 0) return false;
        _states = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        _readAt = time.GetUtcNow();
        return true;
    }

    /// <summary>A submission happened: the next question reads the queue again, or the new jobs would look already gone.</summary>
    public void Invalidate() => _readAt = DateTimeOffset.MinValue;

    /// <summary>The job's state while the queue holds it (PENDING, RUNNING, COMPLETING, ...); null once it has left.</summary>
    public string? StateOf(string job) => _states.GetValueOrDefault(job);

    /// <summary>
    /// The exit code of a job that squeue no longer lists: its own status when it ran, interrupted when it was cancelled
    /// before it ran or ended by a signal (stopped, not failed), failed when Slurm no longer knows the job; null when scontrol says it
    /// has not ended after all.
    /// </summary>
    public int? ExitCodeOf(string job)
    {
        var (code, output) = SlurmCommand.Run("scontrol", ["show", "job", "-o", job], TimeSpan.FromSeconds(20), environment);
        if (code != 0) return ExitCodes.Failed;
        var state = Field(output, "JobState");
        if (state is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "SUSPENDED" or "REQUEUED" or "RESIZING") return null;
        // ExitCode=3:0 is the exit status and the number of the signal that ended the job, if one did.
        var exit = (Field(output, "ExitCode") ?? "1:0").Split(':');
        var status = int.Parse(exit[0], CultureInfo.InvariantCulture);
        var signal = exit.Length > 1 ? int.Parse(exit[1], CultureInfo.InvariantCulture) : 0;
        return status != 0 ? status
            : state == "COMPLETED" ? ExitCodes.Finished
            : state == "CANCELLED" || signal != 0 ? ExitCodes.Interrupted
            : ExitCodes.Failed;
    }

    /// <summary>
    /// The signal a running job gets to stop: a data-parallel job (more than one task) signals its steps alone, so the ranks
    /// checkpoint and exit while the batch step's srun, which would answer SIGTERM by killing them, is left alone; a
    /// one-task job's app is the batch script itself (--full).
    /// </summary>
    public IReadOnlyList<string> StopArguments(string job)
    {
        var (code, output) = SlurmCommand.Run("scontrol", ["show", "job", "-o", job], TimeSpan.FromSeconds(20), environment);
        var ranks = code == 0 && int.TryParse(Field(output, "NumTasks"), NumberStyles.None, CultureInfo.InvariantCulture, out var tasks) && tasks > 1;
        return ranks ? ["--signal=TERM", job] : ["--signal=TERM", "--full", job];
    }

    private static string? Field(string line, string name) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(f => f.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
}
