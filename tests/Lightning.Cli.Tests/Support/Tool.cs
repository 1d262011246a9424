using System.Reflection;
using Lightning.Hosting.Processes;

namespace Lightning.Cli.Tests.Support;

/// <summary>
/// Runs the tool's own entry point in this process, in <c>folder</c>, with its console captured and the tracking
/// variable cleared. Console, current folder and environment are process-wide, so every test using it is in
/// <see cref="ToolCollection"/>, which runs alone.
/// </summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string folder, IProcessRunner? runner = null, params string[] arguments)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (savedOut, savedError, savedFolder, savedRunner) = (Console.Out, Console.Error, Environment.CurrentDirectory, ProcessRunner.Runner);
        var savedUri = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI");
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            Environment.CurrentDirectory = folder;
            Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", null);
            ProcessRunner.Runner = runner
                ?? new FakeProcessRunner(spec => throw new InvalidOperationException($"This test starts no process, but the tool ran: {spec}"));
            var entry = typeof(ProcessRunner).Assembly.EntryPoint!;
            var exitCode = (int)entry.Invoke(null, [arguments])!;
            return new Result(exitCode, output.ToString(), error.ToString());
        }
        catch (TargetInvocationException thrown) when (thrown.InnerException is { } inner)
        {
            throw new InvalidOperationException($"The tool threw instead of exiting with a code: {inner}");
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedError);
            Environment.CurrentDirectory = savedFolder;
            Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", savedUri);
            ProcessRunner.Runner = savedRunner;
        }
    }
}
