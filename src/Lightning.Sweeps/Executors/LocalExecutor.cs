using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Lightning.Core.Hosting;

namespace Lightning.Sweeps.Executors;

/// <summary>
/// Runs each trial as a local process of the built app (<c>dotnet exec App.dll fit ...</c>). With GPUs, slot k gets
/// <c>CUDA_VISIBLE_DEVICES=k</c>, so parallel trials never share a device.
/// </summary>
public sealed partial class LocalExecutor(string appPath, string workingDirectory, int gpus = 0) : ITrialExecutor
{
    private const int Terminate = 15;
    private const int Kill = 9;

    /// <summary>GPUs nvidia-smi lists, or 0 when there is no nvidia-smi.</summary>
    public static int CountGpus()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("nvidia-smi", "-L") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (probe is null) return 0;
            var listing = probe.StandardOutput.ReadToEnd();
            probe.WaitForExit();
            return probe.ExitCode == 0 ? listing.Split('\n').Count(l => l.StartsWith("GPU ", StringComparison.Ordinal)) : 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 0;
        }
    }

    /// <inheritdoc />
    public ITrialProcess Start(TrialLaunch launch)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(appPath);
        foreach (var argument in launch.Arguments) info.ArgumentList.Add(argument);
        info.Environment[SweepTrialContract.TrialVariable] = launch.Number.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in launch.Environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        info.Environment["LIGHTNING_PROGRESS"] = "plain";
        if (gpus > 0) info.Environment["CUDA_VISIBLE_DEVICES"] = (launch.Slot % gpus).ToString(CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Path.GetDirectoryName(launch.LogPath)!);
        var log = new StreamWriter(launch.LogPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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
        _ = SendSignal(pid, Terminate);
        if (SpinWait.SpinUntil(() => !RunsTrial(pid, parts[1]), TimeSpan.FromSeconds(30))) return;
        _ = SendSignal(pid, Kill);
        SpinWait.SpinUntil(() => !RunsTrial(pid, parts[1]), TimeSpan.FromSeconds(5));
    }

    /// <summary>Whether <paramref name="pid"/> is a live process (not a zombie) whose command line names the events file.</summary>
    private static bool RunsTrial(int pid, string eventsPath) =>
        ProcessTable.State(pid) is not (null or 'Z' or 'X') && ProcessTable.Arguments(pid).Contains(eventsPath);

    private sealed class LocalTrial(Process process, StreamWriter log, string handle) : ITrialProcess
    {
        public string Handle => handle;
        public bool HasExited => process.HasExited;
        public int ExitCode => process.ExitCode;

        public void Stop()
        {
            if (!process.HasExited) _ = SendSignal(process.Id, Terminate);
        }

        public void Dispose()
        {
            process.WaitForExit(TimeSpan.FromSeconds(5));
            process.Dispose();
            lock (log) log.Dispose();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
