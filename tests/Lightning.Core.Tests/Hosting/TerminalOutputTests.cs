using Lightning.Hosting;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Hosting;

/// <summary>Under Open MPI a rank asks whether its launcher writes to a terminal, read from a /proc-shaped folder.</summary>
public sealed class TerminalOutputTests
{
    [Theory]
    [InlineData("/dev/pts/3", true)]
    [InlineData("/dev/tty1", true)]
    [InlineData("pipe:[1617978]", false)]
    [InlineData("/tmp/train.log", false)]
    [InlineData("/dev/null", false)]
    public void ParentWritesToTerminal_FollowsTheParentsStandardOutput(string parentOutput, bool terminal)
    {
        using var proc = ProcWithParentOutput(parentOutput);
        Assert.Equal(terminal, TerminalOutput.ParentWritesToTerminal(proc.Path));
    }

    [Fact]
    public void ParentWritesToTerminal_WhenTheParentCannotBeRead_SaysNo()
    {
        using var proc = new TempDirectory();
        Directory.CreateDirectory(proc.Combine("self"));
        File.WriteAllText(proc.Combine("self", "stat"), "123 (dotnet) S 456 123 123 0 -1");
        Assert.False(TerminalOutput.ParentWritesToTerminal(proc.Path));
    }

    // /proc/self/stat names the parent after the command, which may hold spaces and parentheses.
    private static TempDirectory ProcWithParentOutput(string target)
    {
        var proc = new TempDirectory();
        Directory.CreateDirectory(proc.Combine("self"));
        File.WriteAllText(proc.Combine("self", "stat"), "123 (dot (net) x) S 456 123 123 0 -1");
        Directory.CreateDirectory(proc.Combine("456", "fd"));
        File.CreateSymbolicLink(proc.Combine("456", "fd", "1"), target);
        return proc;
    }
}
