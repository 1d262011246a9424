using Lightning.Hosting;
using Lightning.Sweeps.Executors;
using Lightning.TestSupport;

namespace Lightning.Sweeps.Tests;

/// <summary>Local trials as real processes of the test app.</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class LocalExecutorTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Abandon_StopsATrialADeadControllerLeft_TheWayThePrunerDoes()
    {
        var launch = LongTrial.In(_folder.Path, 0);
        using var trial = new LocalExecutor(TestApp.Dll, _folder.Path).Start(launch);
        LongTrial.WaitForFirstEpoch(launch);
        // A new controller knows the trial only by the handle in the state file.
        new LocalExecutor(TestApp.Dll, _folder.Path).Abandon(trial.Handle);
        Assert.True(SpinWait.SpinUntil(() => trial.HasExited, TimeSpan.FromSeconds(10)), $"trial {trial.Handle} still runs");
        Assert.Equal(ExitCodes.Stopped, trial.ExitCode);
    }

    [Fact]
    public void Abandon_LeavesAloneAProcessThatReusedTheId()
    {
        // This test's own process id with another trial's events file: a reused id, which must not be signalled.
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        new LocalExecutor(TestApp.Dll, _folder.Path).Abandon($"{self.Id} {LongTrial.In(_folder.Path, 0).EventsPath}");
        new LocalExecutor(TestApp.Dll, _folder.Path).Abandon("not a handle");
        Assert.False(self.HasExited);
    }
}
