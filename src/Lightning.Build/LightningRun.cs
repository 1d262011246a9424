using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Lightning.Core.Hosting;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Lightning.Build;

/// <summary>
/// Runs the built app (<c>dotnet exec App.dll COMMAND ARGS</c>) and logs each output line as it arrives. A failing
/// run fails the build with the app's own error lines; <see cref="ExitCodes.Usage"/> is reported as a refused run (LTN002: bad
/// configuration, argument or input, such as a missing checkpoint). On cancel (Ctrl+C, an IDE's stop) the app gets
/// SIGINT, has a grace period to save its checkpoint, then is killed.
/// </summary>
public sealed partial class LightningRun : MSBuildTask, ICancelableTask
{
    private const int Sigint = 2;
    private Process? _process;
    private int _cancelled;

    /// <summary>The app's built assembly.</summary>
    [Required]
    public string AppPath { get; set; } = "";

    /// <summary>fit, validate or test.</summary>
    [Required]
    public string Command { get; set; } = "";

    /// <summary>Arguments after the command, one per item (no shell quoting).</summary>
    public ITaskItem[] Arguments { get; set; } = [];

    /// <summary>Free overrides (LightningArgs), separated by spaces, appended after <see cref="Arguments"/>.</summary>
    public string ExtraArguments { get; set; } = "";

    /// <summary>The folder the app runs in (the project folder, where lightning.yaml and mlruns/ live).</summary>
    [Required]
    public string WorkingDirectory { get; set; } = "";

    /// <summary>Seconds between SIGINT and a hard kill when the build is cancelled.</summary>
    public int CancelGraceSeconds { get; set; } = 60;

    /// <summary>The app's exit code.</summary>
    [Output]
    public int ExitCode { get; private set; }

    /// <inheritdoc />
    public override bool Execute()
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkingDirectory,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(AppPath);
        info.ArgumentList.Add(Command);
        foreach (var argument in Arguments) info.ArgumentList.Add(argument.ItemSpec);
        foreach (var argument in ExtraArguments.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries)) info.ArgumentList.Add(argument);
        // A build log is not a terminal: one plain line per epoch.
        info.Environment["LIGHTNING_PROGRESS"] = Environment.GetEnvironmentVariable("LIGHTNING_PROGRESS") ?? "plain";

        var lines = new BlockingCollection<(bool IsError, string Text)>();
        var errors = new List<string>();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Add((false, e.Data)); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Add((true, e.Data)); };
        Log.LogMessage(MessageImportance.High, $"Lightning: {Command} {Path.GetFileName(AppPath)} {string.Join(" ", info.ArgumentList.Skip(3))}");
        process.Start();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = System.Threading.Tasks.Task.Run(() =>
        {
            process.WaitForExit();
            lines.CompleteAdding();
        });
        // MSBuild's logging must happen on the task's thread; lines are handed over as they arrive.
        foreach (var (isError, text) in lines.GetConsumingEnumerable())
        {
            if (isError) errors.Add(text);
            Log.LogMessage(MessageImportance.High, text);
        }
        ExitCode = process.ExitCode;
        return Report(errors);
    }

    /// <inheritdoc />
    public void Cancel()
    {
        // MSBuild calls Cancel repeatedly; only the first call acts.
        if (Interlocked.Exchange(ref _cancelled, 1) == 1 || _process is not { } process) return;
        System.Threading.Tasks.Task.Run(() =>
        {
            try
            {
                if (!OperatingSystem.IsWindows()) _ = SendSignal(process.Id, Sigint);
                if (!process.WaitForExit(CancelGraceSeconds * 1000)) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        });
    }

    private bool Report(List<string> errors)
    {
        var detail = errors.Count > 0 ? string.Join(Environment.NewLine, errors.TakeLast(20)) : "(no error output)";
        switch (ExitCode)
        {
            case ExitCodes.Finished:
                return true;
            case ExitCodes.Interrupted when Volatile.Read(ref _cancelled) == 1:
                Log.LogWarning("Lightning: {0} was cancelled; the app saved a checkpoint (resume with -p:CkptPath=last).", Command);
                return false;
            case ExitCodes.Interrupted:
                Log.LogError("Lightning: {0} was interrupted (exit code {1}); resume with -p:CkptPath=last.", Command, ExitCodes.Interrupted);
                return false;
            case ExitCodes.Usage:
                // Usage is every refusal before training starts: configuration, arguments, a missing or unusable checkpoint.
                Log.LogError(null, "LTN002", null, AppPath, 0, 0, 0, 0, "Lightning {0} was refused (bad configuration, argument or input; exit code {1}): {2}", Command, ExitCodes.Usage, detail);
                return false;
            case ExitCodes.Stopped:
                Log.LogWarning("Lightning: {0} was stopped on request (exit code {1}).", Command, ExitCodes.Stopped);
                return true;
            default:
                Log.LogError(null, "LTN001", null, AppPath, 0, 0, 0, 0, "Lightning {0} failed (exit code {1}): {2}", Command, ExitCode, detail);
                return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
