using System.CommandLine;
using System.Reflection;
using Lightning.Core.Configuration;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Native;
using static TorchSharp.torch;

namespace Lightning.Hosting;

/// <summary>
/// The app host: turns a project's module and data module into a command-line program with <c>fit</c>,
/// <c>validate</c>, <c>test</c>, <c>predict</c> and <c>print-config</c>, layered configuration, the events file,
/// exit codes and signal handling of the driver contract. <c>Program.cs</c> is one line:
/// <c>return LightningApp.Run&lt;MyModule, MyDataModule&gt;(args);</c>
/// </summary>
public static class LightningApp
{
    /// <summary>Runs the app with the console and the default tracker; returns the process exit code.</summary>
    public static int Run<TModule, TDataModule>(string[] args) where TModule : nn.Module where TDataModule : class =>
        Run<TModule, TDataModule>(args, new AppHostOptions());

    /// <summary>Runs the app with <paramref name="host"/> wiring; returns the process exit code.</summary>
    public static int Run<TModule, TDataModule>(string[] args, AppHostOptions host) where TModule : nn.Module where TDataModule : class
    {
        NativePreload.Start(args);
        var batchType = BatchTypeOf(typeof(TModule), typeof(LightningModule<>))
                        ?? throw new ArgumentException($"{typeof(TModule).Name} must derive from LightningModule<TBatch>.", nameof(TModule));
        if (BatchTypeOf(typeof(TDataModule), typeof(LightningDataModule<>)) != batchType)
            throw new ArgumentException(
                $"{typeof(TDataModule).Name} must derive from LightningDataModule<{batchType.Name}>, the batch type of {typeof(TModule).Name}.",
                nameof(TDataModule));

        var runner = (IAppRunner)Activator.CreateInstance(
            typeof(AppRunner<>).MakeGenericType(batchType), typeof(TModule), typeof(TDataModule), host)!;
        var appName = Assembly.GetEntryAssembly()?.GetName().Name ?? typeof(TModule).Assembly.GetName().Name ?? "app";
        var root = AppCommandLine.Build(appName, invocation => RunToExitCode(host, runner, invocation));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parsed.Errors) host.Error.WriteLine(error.Message);
            host.Error.WriteLine($"Run '{appName} --help' for the commands and options.");
            return ExitCodes.Usage;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = host.Output, Error = host.Error });
    }

    // Every way a run can end reaches the user as a sentence and an exit code; "Unhandled exception" never does.
    private static int RunToExitCode(AppHostOptions host, IAppRunner runner, AppInvocation invocation)
    {
        try
        {
            return MpiRelaunch.ForMpirun(runner.Run(invocation));
        }
        catch (Exception thrown)
        {
            // A constructor called through reflection wraps what the user's code threw.
            // Every rank of a data-parallel job reads the same configuration and files and meets the same refusal: rank 0
            // says it for all of them.
            var error = Core.Distributed.LaunchEnvironment.Detect() is { Rank: not 0 } ? TextWriter.Null : host.Error;
            switch (FailureReport.Unwrap(thrown))
            {
                case LightningConfigException refused:
                    foreach (var issue in refused.Issues) error.WriteLine(issue.ToString());
                    return ExitCodes.Usage;
                case Exception refused when refused is Core.Checkpoints.CheckpointException or DataException:
                    error.WriteLine(refused.Message);
                    return ExitCodes.Usage;
                case NativeLoadException failed:
                    host.Error.WriteLine(failed.Message);
                    return ExitCodes.Failed;
                default:
                    return runner.ReportFailure(thrown, invocation);
            }
        }
    }

    private static Type? BatchTypeOf(Type type, Type genericBase)
    {
        for (var current = type; current is not null; current = current.BaseType)
            if (current.IsGenericType && current.GetGenericTypeDefinition() == genericBase) return current.GetGenericArguments()[0];
        return null;
    }
}
