using Lightning.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Lightning.Core.Tests.Hosting;

/// <summary>One Ctrl+C delivered twice (terminal and build) is one stop request; a later one is the user's second.</summary>
public sealed class RepeatedSignalTests
{
    [Fact]
    public void Receive_TheSameRequestTwiceAtOnce_IsAnEcho_ALaterOneARepeat()
    {
        var time = new FakeTimeProvider();
        var signals = new RepeatedSignal(time);
        Assert.Equal(SignalMeaning.Stop, signals.Receive());
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(SignalMeaning.Echo, signals.Receive());
        time.Advance(RepeatedSignal.Window);
        Assert.Equal(SignalMeaning.Repeat, signals.Receive());
    }
}
