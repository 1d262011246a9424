using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Lightning.Sweeps.Executors;

/// <summary>
/// Runs each trial as a local process of the built app (<c>dotnet exec App.dll fit ...</c>). With GPUs, slot k gets
/// <c>CUDA_VISIBLE_DEVICES=k</c>, so parallel trials never share a device.
/// </summary>
public sealed partial class LocalExecutor(string appPath, string workingDirectory, int gpus = 0) : ITrialExecutor
{
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
        info.Environment["LIGHTNING_SWEEP_TRIAL"] = launch.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["LIGHTNING_PROGRESS"] = "plain";
        if (gpus > 0) info.Environment["CUDA_VISIBLE_DEVICES"] = (launch.Slot % gpus).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Path.GetDirectoryName(launch.LogPath)!);
        var log = new StreamWriter(launch.LogPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new LocalTrial(process, log);
    }

    private sealed class LocalTrial(Process process, StreamWriter log) : ITrialProcess
    {
        public bool HasExited => process.HasExited;
        public int ExitCode => process.ExitCode;

        public void Stop()
        {
            if (!process.HasExited) _ = SendSignal(process.Id, 15);
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
