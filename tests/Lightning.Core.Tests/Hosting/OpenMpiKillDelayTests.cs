using Lightning.Hosting;

namespace Lightning.Core.Tests.Hosting;

public sealed class OpenMpiKillDelayTests
{
    [Theory]
    [InlineData(null, 600)]
    [InlineData("1", 600)]
    [InlineData("5", 3000)]
    [InlineData("0", 600)]
    [InlineData("soon", 600)]
    public void ExitBefore_LeavesTimeBeforeMpirunsKill(string? seconds, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds),
            OpenMpiKillDelay.ExitBefore(name => name == OpenMpiKillDelay.Variable ? seconds : null));
}
