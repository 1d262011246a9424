using System.Diagnostics;
using System.Runtime.InteropServices;
using Lightning.Core.Configuration;
using Lightning.Core.Distributed;
using Lightning.Core.Training;
using Lightning.Hosting.Processes;

namespace Lightning.Hosting;

/// <summary>
/// <c>devices: N</c> from a plain process, as Lightning's own launcher does it: the app starts itself N times under
/// mpirun on this node, passes its output through as it comes and exits with mpirun's exit code. Ctrl+C and SIGTERM
/// reach the ranks as SIGINT, sent to them directly; in a sweep trial, the pruner's SIGTERM goes to rank 0 alone, as
/// SIGUSR2, and the ranks agree on the stop at the next step boundary. Through mpirun, either would end the job with
/// SIGKILL a second after mpirun passed SIGTERM on, before checkpoints and runs are saved.
/// </summary>
internal static class MpiRelaunch
{
    private const string Launcher = "mpirun";
    // Set for the ranks this process starts: where rank 0 leaves the exit code of a stop they agreed on (see ForMpirun).
    private const string StopCodeVariable = "LIGHTNING_RELAUNCH_STOP_CODE_FILE";

    /// <summary>True when <paramref name="trainer"/> asks for several processes and no launcher started this one.</summary>
    public static bool Wanted(TrainerOptions trainer) =>
        trainer.Strategy != TrainingStrategy.Single && trainer.Devices.PerNode * trainer.NumNodes > 1 && LaunchEnvironment.Detect() is null;

    /// <summary>Runs this app's command line as devices ranks under mpirun and returns mpirun's exit code.</summary>
    /// <exception cref="LightningConfigException">num_nodes is above 1, or mpirun is not installed.</exception>
    public static int Run(TrainerOptions trainer, Func<string, string> sourceOf, TextWriter output, bool outputIsTerminal, TimeProvider time)
    {
        var devices = trainer.Devices.ToString();
        if (trainer.NumNodes > 1)
            throw Invalid("trainer.num_nodes", trainer.NumNodes.ToString(System.Globalization.CultureInfo.InvariantCulture), sourceOf,
                "a job on several nodes needs a launcher that starts the processes on each of them: run the app under srun or mpirun " +
                "(see the README's data-parallel section).");
        var mpirun = ExecutableSearch.OnPath(Launcher)
                     ?? throw Invalid("trainer.devices", devices, sourceOf,
                         $"training on {devices} devices starts the app under {Launcher}, which is not installed: " +
                         "apt-get install openmpi-bin (or start the app under your own launcher).");
        // Otherwise nothing would tell a run on several processes from one on a single process.
        output.WriteLine($"Training on {devices} devices: starting {devices} processes under {Launcher}; rank 0 reports for all of them.");
        output.Flush();
        using var stopCodeFile = new StopCode();
        using var process = Process.Start(StartInfo(mpirun, trainer.Devices.PerNode, outputIsTerminal, stopCodeFile.Path))!;
        // A stop request (Ctrl+C, SIGTERM, a build's cancel) goes to the ranks themselves: mpirun would answer it with
        // SIGTERM and, a second later, SIGKILL, too soon for a rank to save its checkpoint and end its run on a loaded
        // machine. mpirun has a session of its own, so the terminal's Ctrl+C reaches the ranks only this way.
        var forwarded = false;
        var pruned = false;
        var repeats = new RepeatedSignal(time);
        var trial = Environment.GetEnvironmentVariable(SweepTrialContract.TrialVariable) is { Length: > 0 };
        void Forward(PosixSignalContext context, int signal)
        {
            context.Cancel = true;
            // One Ctrl+C can come twice (the terminal's and a build's cancel); the ranks must see it once.
            if (repeats.Receive() == SignalMeaning.Echo) return;
            forwarded = true;
            if (trial && signal == ProcessSignals.Terminate && LaunchedRanks.RankZero(process.Id) is { } rankZero)
            {
                pruned = true;
                ProcessSignals.Send(rankZero, ProcessSignals.User2);
                return;
            }
            var ranks = LaunchedRanks.All(process.Id);
            // Before the ranks have started there is nothing to save: mpirun ends its job.
            if (ranks.Count == 0) ProcessSignals.Send(process.Id, ProcessSignals.Interrupt);
            foreach (var rank in ranks) ProcessSignals.Send(rank, ProcessSignals.Interrupt);
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Forward(context, ProcessSignals.Interrupt));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Forward(context, ProcessSignals.Terminate));
        process.WaitForExit();
        if (stopCodeFile.Read() is { } agreed) return agreed;
        if (!forwarded) return process.ExitCode;
        // A stop this process asked for that the ranks did not reach (a rank failed or hung meanwhile): its exit code
        // still says "interrupted", as a one-process run's does, or "stopped" for a pruned trial.
        return pruned ? ExitCodes.Stopped : ExitCodes.Interrupted;
    }

    /// <summary>
    /// The exit code a rank started by <see cref="Run"/> gives mpirun. mpirun answers any code but 0 with a banner
    /// about a failed job, so a stop the ranks agreed on (interrupted, 130; stopped, 3) ends each rank with 0, and
    /// rank 0 leaves the real code for the relaunching process, which exits with it. Any other process keeps its code.
    /// </summary>
    public static int ForMpirun(int exitCode)
    {
        if (exitCode is not (ExitCodes.Interrupted or ExitCodes.Stopped)) return exitCode;
        if (Environment.GetEnvironmentVariable(StopCodeVariable) is not { Length: > 0 } file) return exitCode;
        if (LaunchEnvironment.Detect() is not { Rank: 0 }) return ExitCodes.Finished;
        return StopCode.Write(file, exitCode) ? ExitCodes.Finished : exitCode;
    }

    // The same program and arguments: `dotnet app.dll fit ...` runs the dll again, an app host runs itself.
    private static ProcessStartInfo StartInfo(string mpirun, int processes, bool outputIsTerminal, string stopCodeFile)
    {
        // mpirun gets a session of its own (setsid execs in place, so the pid stays mpirun's): a terminal's Ctrl+C then
        // reaches it once, forwarded by this process, not twice — Open MPI's mpirun takes a second SIGINT as "kill the
        // job now", and the ranks die before their checkpoint.
        var setsid = ExecutableSearch.OnPath("setsid");
        var info = new ProcessStartInfo(setsid ?? mpirun) { UseShellExecute = false };
        info.Environment[StopCodeVariable] = stopCodeFile;
        // mpirun kills a rank a second after its SIGTERM by default (when another rank died): too soon, on a loaded
        // machine, for rank 0 to record its run's end. Each second more also delays the end of a job whose rank
        // failed by about two (mpirun waits it out for every rank), so 2. A value the user set stands.
        info.Environment.TryAdd(OpenMpiKillDelay.Variable, "2");
        if (setsid is not null) info.ArgumentList.Add(mpirun);
        var openMpi = IsOpenMpi(mpirun);
        // Open MPI refuses root without --allow-run-as-root (containers, CI) and more ranks than free cores without
        // --oversubscribe; MPICH's Hydra has neither option and needs neither.
        if (openMpi && Environment.UserName == "root") info.ArgumentList.Add("--allow-run-as-root");
        if (openMpi) info.ArgumentList.Add("--oversubscribe");
        info.ArgumentList.Add("-np");
        info.ArgumentList.Add(processes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var program = Environment.ProcessPath ?? "dotnet";
        info.ArgumentList.Add(program);
        var arguments = Environment.GetCommandLineArgs();
        var runsDll = Path.GetFileNameWithoutExtension(program) == "dotnet";
        foreach (var argument in runsDll ? arguments : arguments.Skip(1)) info.ArgumentList.Add(argument);
        // Open MPI gives the ranks a pseudo-terminal; when this process's output is a pipe or file (the build, CI, a log),
        // the ranks must print the plain progress lines a pipe gets, without a terminal's escape codes.
        if (!outputIsTerminal)
        {
            info.Environment["TERM"] = "dumb";
            info.Environment.TryAdd(Core.Callbacks.ProgressModeSetting.Variable, "plain");
        }
        return info;
    }

    private static bool IsOpenMpi(string mpirun)
    {
        var info = new ProcessStartInfo(mpirun, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return text.Contains("Open MPI", StringComparison.OrdinalIgnoreCase) || text.Contains("OpenRTE", StringComparison.OrdinalIgnoreCase);
    }

    private static LightningConfigException Invalid(string key, string value, Func<string, string> sourceOf, string message) =>
        new([new ConfigIssue(key, value, sourceOf(key), message)]);
}
