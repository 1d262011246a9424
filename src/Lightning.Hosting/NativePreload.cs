using Lightning.Core.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Hosting;

/// <summary>
/// Starts loading libtorch (half a second of a training run's start-up) on a background thread while the command line
/// and configuration are read, for the commands that will need it. Failures are left for the run itself to report.
/// </summary>
internal static class NativePreload
{
    private static readonly string[] TorchCommands =
        [AppCommandLine.NameOf(AppCommand.Fit), AppCommandLine.NameOf(AppCommand.Validate), AppCommandLine.NameOf(AppCommand.Test),
            AppCommandLine.NameOf(AppCommand.Predict)];

    /// <summary>Starts the load when <paramref name="args"/> name a command that trains, evaluates or predicts.</summary>
    public static void Start(string[] args)
    {
        if (args is not [var command, ..] || !TorchCommands.Contains(command)) return;
        var thread = new Thread(Load) { IsBackground = true, Name = "libtorch preload" };
        thread.Start();
        // An early exit (a config error) must not run the C runtime's exit while this thread is inside dlopen running
        // libtorch's static constructors: the process waits for the load to finish, a fraction of a second.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => thread.Join(TimeSpan.FromSeconds(10));
    }

    private static void Load()
    {
        try
        {
            TorchNative.EnsureLoadable();
            InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception)
        {
            // The run calls the same loader on its own thread and reports what went wrong as one sentence.
        }
    }
}
