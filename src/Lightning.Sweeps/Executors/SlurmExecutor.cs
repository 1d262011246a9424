using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lightning.Hosting;

namespace Lightning.Sweeps.Executors;

/// <summary>
/// Runs trials on Slurm. Trials that are ready together go in one job array (<c>sbatch --array=3,4,5%K</c>: the array
/// task id is the trial number, Slurm runs at most K at once); they are followed with one <c>squeue</c> per poll, their
/// exit codes read with <c>scontrol show job</c>, and they are stopped with <c>scancel --signal=TERM</c>. Trials
/// write their events files into the sweep folder, which must be on a file system the nodes share. A data-parallel
/// trial (its launch's <see cref="TrialLaunch.Ranks"/> above 1, whether the sweep or the app's own configuration set the
/// devices) is one job of that many tasks whose ranks <c>srun</c> starts (PMIx by default), as Lightning's own Slurm
/// launch is, instead of one task that would start mpirun inside a one-task allocation; its rank 0 writes the events,
/// so the controller still sees one trial.
/// </summary>
public sealed class SlurmExecutor : ITrialExecutor
{
    private readonly string _appPath;
    private readonly string _workingDirectory;
    private readonly IReadOnlyList<string> _slurmArguments;
    private readonly SlurmQueue _queue;
    private readonly TimeProvider _time;

    /// <summary>Checks that Slurm answers before anything is submitted.</summary>
    /// <param name="appPath">The built app.</param>
    /// <param name="workingDirectory">The project folder (shared with the nodes).</param>
    /// <param name="slurmArguments">Extra sbatch arguments (partition, time, GPUs).</param>
    /// <param name="environment">Extra environment for the Slurm commands (e.g. SLURM_CONF); jobs inherit it.</param>
    /// <param name="time">The clock for queue freshness and script names; default the system clock.</param>
    /// <exception cref="Running.SweepRefusedException">Slurm is not installed or its controller does not answer.</exception>
    public SlurmExecutor(
        string appPath, string workingDirectory, IReadOnlyList<string> slurmArguments, IReadOnlyDictionary<string, string>? environment = null,
        TimeProvider? time = null)
    {
        _appPath = appPath;
        _workingDirectory = workingDirectory;
        _slurmArguments = slurmArguments;
        _time = time ?? TimeProvider.System;
        _queue = new SlurmQueue(environment ?? new Dictionary<string, string>(), _time);
        var (code, output) = SlurmCommand.Run("sinfo", ["-h", "-o", "%P %a %D"], TimeSpan.FromSeconds(20), _queue.Environment);
        if (code != 0)
            throw new Running.SweepRefusedException($"Slurm is not installed or not answering (sinfo exited {code}: {output.Trim()}). " +
                "Check SLURM_CONF and that slurmctld runs; nothing was submitted.");
    }

    /// <inheritdoc />
    public bool QueuesTrials => true;

    /// <inheritdoc />
    public ITrialProcess Start(TrialLaunch launch) => StartMany([launch], 1)[0];

    /// <inheritdoc />
    public IReadOnlyList<ITrialProcess> StartMany(IReadOnlyList<TrialLaunch> launches, int parallel)
    {
        if (launches.Count == 0) return [];
        // One array needs one output pattern: <sweep folder>/trial-%a/output.log. Launches laid out otherwise go one by one.
        var sweepFolder = Path.GetDirectoryName(Path.GetDirectoryName(launches[0].LogPath))!;
        if (launches.Count > 1 && !launches.All(l => l.LogPath == LogPattern(sweepFolder, l.Number.ToString(CultureInfo.InvariantCulture))))
            return [.. launches.SelectMany(l => StartMany([l], 1))];
        // One array has one task count: trials of different device counts go in one array per count.
        var tasks = launches[0].Ranks;
        if (launches.Any(l => l.Ranks != tasks))
        {
            var started = launches.GroupBy(l => l.Ranks).SelectMany(g => g.Zip(StartMany([.. g], parallel)))
                .ToDictionary(p => p.First, p => p.Second);
            return [.. launches.Select(l => started[l])];
        }

        var numbers = launches.Select(l => l.Number.ToString(CultureInfo.InvariantCulture)).ToList();
        var script = Path.Combine(sweepFolder, $"trials-{numbers[0]}-{numbers[^1]}-{_time.GetUtcNow():HHmmssfff}.sbatch");
        File.WriteAllText(script, Script(launches, tasks));
        var log = LogPattern(sweepFolder, "%a");
        var array = string.Join(',', numbers) + (launches.Count > parallel ? $"%{parallel}" : "");
        var arguments = new List<string> { "--parsable", $"--array={array}", "--job-name=lightning-trials", "-o", log, "-e", log };
        arguments.AddRange(_slurmArguments);
        arguments.Add(script);
        var (code, output) = SlurmCommand.Run("sbatch", arguments, TimeSpan.FromSeconds(60), _queue.Environment);
        if (code != 0) throw new Running.SweepRefusedException($"sbatch refused trials {string.Join(", ", numbers)}: {output.Trim()}");
        var job = output.Trim().Split(';')[0];
        _queue.Invalidate();
        return [.. numbers.Select(n => (ITrialProcess)new SlurmTrial($"{job}_{n}", _queue))];
    }

    /// <inheritdoc />
    /// <remarks>Slurm jobs outlive the controller. A queued one is cancelled; a running one gets SIGTERM (it checkpoints
    /// and exits) and is killed if it is still there a minute later.</remarks>
    public void Abandon(string handle)
    {
        _queue.Refresh(force: true);
        switch (_queue.StateOf(handle))
        {
            case null:
                return;
            case "PENDING":
                SlurmCommand.Run("scancel", [handle], TimeSpan.FromSeconds(20), _queue.Environment);
                return;
            default:
                SlurmCommand.Run("scancel", _queue.StopArguments(handle), TimeSpan.FromSeconds(20), _queue.Environment);
                if (SpinWait.SpinUntil(() => _queue.Refresh(force: true) && _queue.StateOf(handle) is null, TimeSpan.FromSeconds(60))) return;
                SlurmCommand.Run("scancel", [handle], TimeSpan.FromSeconds(20), _queue.Environment);
                return;
        }
    }

    private static string LogPattern(string sweepFolder, string number) => Path.Combine(sweepFolder, $"trial-{number}", "output.log");

    private string Script(IReadOnlyList<TrialLaunch> launches, TrialRanks tasks)
    {
        var text = new StringBuilder("#!/bin/bash\n");
        // srun starts the ranks (the app never relaunches itself under mpirun): through PMIx, Open MPI's way in, unless the
        // sweep's environment names another plugin (SLURM_MPI_TYPE=pmi2 for MPICH).
        if (tasks != TrialRanks.One)
            text.Append(CultureInfo.InvariantCulture, $"#SBATCH --nodes={tasks.Nodes}\n#SBATCH --ntasks={tasks.Total}\n")
                .Append(CultureInfo.InvariantCulture, $"#SBATCH --ntasks-per-node={tasks.PerNode}\n")
                .Append("export SLURM_MPI_TYPE=\"${SLURM_MPI_TYPE:-pmix}\"\n");
        var start = tasks == TrialRanks.One ? "exec dotnet exec " : "exec srun dotnet exec ";
        text
            .Append("export ").Append(SweepTrialContract.TrialVariable).Append("=\"$SLURM_ARRAY_TASK_ID\"\n")
            .Append("export LIGHTNING_PROGRESS=plain\n")
            .Append("cd ").Append(Quote(_workingDirectory)).Append('\n')
            .Append("case \"$SLURM_ARRAY_TASK_ID\" in\n");
        foreach (var launch in launches)
        {
            // exec: the signal scancel sends reaches the app, which checkpoints and exits ExitCodes.Stopped.
            text.Append("  ").Append(launch.Number.ToString(CultureInfo.InvariantCulture)).Append(") ");
            foreach (var (key, value) in launch.Environment ?? new Dictionary<string, string>())
                text.Append("export ").Append(key).Append('=').Append(Quote(value)).Append("; ");
            text.Append(start).Append(Quote(_appPath));
            foreach (var argument in launch.Arguments) text.Append(' ').Append(Quote(argument));
            text.Append(" ;;\n");
        }
        return text.Append("esac\necho \"no trial for array task $SLURM_ARRAY_TASK_ID in $0\" >&2\nexit ")
            .Append(ExitCodes.Usage.ToString(CultureInfo.InvariantCulture)).Append('\n').ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private sealed class SlurmTrial(string job, SlurmQueue queue) : ITrialProcess
    {
        private int? _exit;
        private bool _cancelledWhileQueued;

        public string Handle => job;

        public bool HasExited
        {
            get
            {
                if (_exit is not null) return true;
                // squeue does not answer (a controller restart): not known to have ended, asked again next poll.
                if (!queue.Refresh(force: false) || queue.StateOf(job) is not null) return false;
                // A queued array task cancelled before it ran leaves no record of its own for scontrol to show.
                _exit = _cancelledWhileQueued ? ExitCodes.Interrupted : queue.ExitCodeOf(job);
                return _exit is not null;
            }
        }

        public int ExitCode => _exit ?? throw new InvalidOperationException($"Slurm job {job} has not ended.");

        public void Stop()
        {
            queue.Refresh(force: true);
            // A job still queued has nothing to checkpoint: it is cancelled outright (scancel's signal would not reach it).
            if (queue.StateOf(job) == "PENDING")
            {
                SlurmCommand.Run("scancel", [job], TimeSpan.FromSeconds(20), queue.Environment);
                _cancelledWhileQueued = true;
            }
            else SlurmCommand.Run("scancel", queue.StopArguments(job), TimeSpan.FromSeconds(20), queue.Environment);
        }

        public void Dispose() { }
    }
}
