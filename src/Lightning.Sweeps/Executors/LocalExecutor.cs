using System.Globalization;
using Lightning.Hosting;
using Lightning.Hosting.Processes;

namespace Lightning.Sweeps.Executors;

/// <summary>
/// Runs each trial as a local process of the built app (<c>dotnet exec App.dll fit ...</c>). With GPUs, slot k gets
/// <c>CUDA_VISIBLE_DEVICES=k</c> (a trial on several devices gets the list of its slots), so parallel trials never share a device.
/// </summary>
public sealed class LocalExecutor(string appPath, string workingDirectory, int gpus = 0, IProcessRunner? runner = null) : ITrialExecutor
{
    private readonly IProcessRunner _runner = runner ?? SystemProcessRunner.Instance;

    /// <summary>GPUs nvidia-smi lists, or 0 when there is no nvidia-smi.</summary>
    public static int CountGpus()
    {
        try
        {
            var probe = SystemProcessRunner.Instance.Run(new ProcessSpec("nvidia-smi", ["-L"]), Timeout.InfiniteTimeSpan);
            return probe.ExitCode == 0 ? probe.Output.Split('\n').Count(l => l.StartsWith("GPU ", StringComparison.Ordinal)) : 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 0;
        }
    }

    /// <inheritdoc />
    public ITrialProcess Start(TrialLaunch launch)
    {
        var environment = new Dictionary<string, string?>
        {
            [SweepTrialContract.TrialVariable] = launch.Number.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in launch.Environment ?? new Dictionary<string, string>()) environment[key] = value;
        environment["LIGHTNING_PROGRESS"] = "plain";
        if (gpus > 0)
            environment["CUDA_VISIBLE_DEVICES"] = string.Join(',', launch.Slots.Select(s => (s % gpus).ToString(CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(Path.GetDirectoryName(launch.LogPath)!);
        var log = new StreamWriter(launch.LogPath, append: true) { AutoFlush = true };
        var spec = new ProcessSpec("dotnet", ["exec", appPath, .. launch.Arguments])
        {
            WorkingDirectory = workingDirectory,
            Environment = environment,
        };
        var process = _runner.Start(spec);
        // The events path makes the handle safe against a reused process id: Abandon checks the command line for it.
        return new LocalTrial(process, log, $"{process.Id} {launch.EventsPath}");
    }

    /// <inheritdoc />
    /// <remarks>A trial outlives a controller that was killed (it is not the trial's session leader). It gets SIGTERM,
    /// so it checkpoints and exits, and SIGKILL if it is still there 30 seconds later.</remarks>
    public void Abandon(string handle)
    {
        var parts = handle.Split(' ', 2);
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) || !RunsTrial(pid, parts[1])) return;
        ProcessSignals.Send(pid, ProcessSignals.Terminate);
        if (SpinWait.SpinUntil(() => !RunsTrial(pid, parts[1]), TimeSpan.FromSeconds(30))) return;
        ProcessSignals.Send(pid, ProcessSignals.Kill);
        SpinWait.SpinUntil(() => !RunsTrial(pid, parts[1]), TimeSpan.FromSeconds(5));
    }

    /// <summary>Whether <paramref name="pid"/> is a live process (not a zombie) whose command line names the events file.</summary>
    private static bool RunsTrial(int pid, string eventsPath) =>
        ProcessTable.State(pid) is not (null or 'Z' or 'X') && ProcessTable.Arguments(pid).Contains(eventsPath);

    /// <summary>A running trial; a background reader copies its lines to the trial's log as they arrive.</summary>
    private sealed class LocalTrial : ITrialProcess
    {
        private readonly IProcessHandle _process;
        private readonly StreamWriter _log;
        private readonly Task _copying;
        private bool _closed;

        public LocalTrial(IProcessHandle process, StreamWriter log, string handle)
        {
            _process = process;
            _log = log;
            Handle = handle;
            _copying = Task.Run(() =>
            {
                foreach (var line in process.Lines)
                {
                    lock (_log) if (!_closed) _log.WriteLine(line.Text);
                }
            });
        }

        public string Handle { get; }
        public bool HasExited => _process.HasExited;
        public int ExitCode => _process.ExitCode;

        public void Stop() => _process.Signal(ProcessSignals.Terminate);

        public void Dispose()
        {
            _process.WaitForExit(TimeSpan.FromSeconds(5));
            // The reader ends when the trial's streams close; a grandchild holding them open must not block the sweep.
            _copying.Wait(TimeSpan.FromSeconds(5));
            _process.Dispose();
            lock (_log)
            {
                _closed = true;
                _log.Dispose();
            }
        }
    }
}
