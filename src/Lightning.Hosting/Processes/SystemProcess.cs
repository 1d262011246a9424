using System.Diagnostics;
using System.Threading.Channels;

namespace Lightning.Hosting.Processes;

/// <summary>A <see cref="Process"/> behind <see cref="IProcessHandle"/>; captured lines go through a channel so any thread can read them.</summary>
internal sealed class SystemProcess : IProcessHandle
{
    private readonly Process _process;
    private readonly Channel<ProcessLine> _lines = Channel.CreateUnbounded<ProcessLine>(new UnboundedChannelOptions { SingleReader = true });
    private int _openStreams = 2;

    private SystemProcess(Process process) => _process = process;

    public static SystemProcess Start(ProcessStartInfo info, bool capture)
    {
        var process = new Process { StartInfo = info };
        var handle = new SystemProcess(process);
        if (capture)
        {
            process.OutputDataReceived += (_, e) => handle.Receive(e.Data, isError: false);
            process.ErrorDataReceived += (_, e) => handle.Receive(e.Data, isError: true);
        }
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }
        if (capture)
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        else
        {
            handle._lines.Writer.Complete();
        }
        return handle;
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public IEnumerable<ProcessLine> Lines
    {
        get
        {
            var reader = _lines.Reader;
            // Blocking on purpose: callers such as an MSBuild task must log on their own thread.
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var line)) yield return line;
            }
        }
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Signal(int signal)
    {
        if (!_process.HasExited) ProcessSignals.Send(_process.Id, signal);
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    public void Dispose() => _process.Dispose();

    /// <summary>A null line is a stream's end; the channel completes when both have ended.</summary>
    private void Receive(string? text, bool isError)
    {
        if (text is not null) _lines.Writer.TryWrite(new ProcessLine(text, isError));
        else if (Interlocked.Decrement(ref _openStreams) == 0) _lines.Writer.TryComplete();
    }
}
