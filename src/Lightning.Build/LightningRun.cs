using Lightning.Hosting;
using Lightning.Hosting.Processes;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Lightning.Build;

/// <summary>
/// Runs the built app (<c>dotnet exec App.dll COMMAND ARGS</c>) and logs each output line as it arrives. A failing
/// run fails the build with the app's own error lines; <see cref="ExitCodes.Usage"/> is reported as a refused run (LTN002: bad
/// configuration, argument or input, such as a missing checkpoint). On cancel (Ctrl+C, an IDE's stop) the app gets
/// SIGINT, has a grace period to save its checkpoint, then is killed.
/// </summary>
public sealed class LightningRun : MSBuildTask, ICancelableTask
{
    private IProcessHandle? _process;
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
        string[] arguments =
        [
            "exec", AppPath, Command,
            .. Arguments.Select(a => a.ItemSpec),
            .. ExtraArguments.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries),
        ];
        var spec = new ProcessSpec(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", arguments)
        {
            WorkingDirectory = WorkingDirectory,
            // A build log is not a terminal: one plain line per epoch.
            Environment = new Dictionary<string, string?>
            {
                ["LIGHTNING_PROGRESS"] = Environment.GetEnvironmentVariable("LIGHTNING_PROGRESS") ?? "plain",
            },
        };
        var errors = new List<string>();
        Log.LogMessage(MessageImportance.High, $"Lightning: {Command} {Path.GetFileName(AppPath)} {string.Join(" ", arguments.Skip(3))}");
        using var process = SystemProcessRunner.Instance.Start(spec);
        _process = process;
        // MSBuild's logging must happen on the task's thread; lines are handed over as they arrive.
        foreach (var (text, isError) in process.Lines)
        {
            // The app's warnings (testing untrained weights, an unused setting) count in the build's warning summary.
            if (isError && text.StartsWith(OutputLines.WarningPrefix, StringComparison.Ordinal))
            {
                Log.LogWarning(null, "LTN003", null, AppPath, 0, 0, 0, 0, "{0}", text[OutputLines.WarningPrefix.Length..]);
                continue;
            }
            // A --verbose trace is shown as it streams; the error that fails the build keeps the sentences only.
            if (isError && !IsStackFrame(text)) errors.Add(text);
            Log.LogMessage(MessageImportance.High, text);
        }
        process.WaitForExit(Timeout.InfiniteTimeSpan);
        ExitCode = process.ExitCode;
        return Report(errors);
    }

    private static bool IsStackFrame(string line) =>
        line.StartsWith("   at ", StringComparison.Ordinal) || line.StartsWith("--- End of", StringComparison.Ordinal);

    /// <inheritdoc />
    public void Cancel()
    {
        // MSBuild calls Cancel repeatedly; only the first call acts.
        if (Interlocked.Exchange(ref _cancelled, 1) == 1 || _process is not { } process) return;
        System.Threading.Tasks.Task.Run(() =>
        {
            try
            {
                process.Signal(ProcessSignals.Interrupt);
                if (!process.WaitForExit(TimeSpan.FromSeconds(CancelGraceSeconds))) process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already exited and disposed.
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
                Log.LogError(null, "LTN002", null, AppPath, 0, 0, 0, 0,
                    "Lightning {0} was refused (bad configuration, argument or input; exit code {1}): {2}", Command, ExitCodes.Usage, detail);
                return false;
            case ExitCodes.Stopped:
                Log.LogWarning("Lightning: {0} was stopped on request (exit code {1}).", Command, ExitCodes.Stopped);
                return true;
            default:
                Log.LogError(null, "LTN001", null, AppPath, 0, 0, 0, 0, "Lightning {0} failed (exit code {1}): {2}", Command, ExitCode, detail);
                return false;
        }
    }
}
