using Lightning.Hosting.Processes;

namespace Lightning.Cli.Tests.Support;

/// <summary>Answers each started process with the exit code and lines <c>answer</c> gives, and remembers what was started.</summary>
internal sealed class FakeProcessRunner(Func<ProcessSpec, (int ExitCode, string[] Lines)> answer) : IProcessRunner
{
    public List<ProcessSpec> Started { get; } = [];

    public IProcessHandle Start(ProcessSpec spec)
    {
        Started.Add(spec);
        var (exitCode, lines) = answer(spec);
        return new Finished(exitCode, spec.Output == ProcessOutput.Capture ? [.. lines.Select(l => new ProcessLine(l, IsError: false))] : []);
    }

    /// <summary>A process that has already run: its lines are all there and it has exited.</summary>
    private sealed class Finished(int exitCode, ProcessLine[] lines) : IProcessHandle
    {
        public int Id => 0;
        public bool HasExited => true;
        public int ExitCode => exitCode;
        public IEnumerable<ProcessLine> Lines => lines;
        public bool WaitForExit(TimeSpan timeout) => true;
        public void Signal(int signal) { }
        public void Kill() { }
        public void Dispose() { }
    }
}
