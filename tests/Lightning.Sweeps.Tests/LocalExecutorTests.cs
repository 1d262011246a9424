using Lightning.Sweeps.Executors;
using Lightning.TestSupport;

namespace Lightning.Sweeps.Tests;

/// <summary>Local trials as real processes of the test app.</summary>
public sealed class LocalExecutorTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private TrialLaunch Launch()
    {
        var events = _folder.Combine("trial-0", "events-1.jsonl");
        return new TrialLaunch(0, ["fit", "--events", events, "--trainer.max_epochs=1000", "--model.step_delay_ms=20", "--trainer.threads=1", "--trainer.enable_checkpointing=false"],
            events, _folder.Combine("trial-0", "output.log"), 0);
    }

    [Fact]
    public void Abandon_StopsATrialADeadControllerLeft_TheWayThePrunerDoes()
    {
        var launch = Launch();
        using var trial = new LocalExecutor(TestApp.Dll, _folder.Path).Start(launch);
        Assert.True(SpinWait.SpinUntil(() => File.Exists(launch.EventsPath) && File.ReadAllText(launch.EventsPath).Contains("\"epoch_end\"", StringComparison.Ordinal), TimeSpan.FromMinutes(2)),
            "the trial never reported an epoch");
        // A new controller knows the trial only by the handle in the state file.
        new LocalExecutor(TestApp.Dll, _folder.Path).Abandon(trial.Handle);
        Assert.True(SpinWait.SpinUntil(() => trial.HasExited, TimeSpan.FromSeconds(10)), $"trial {trial.Handle} still runs");
        Assert.Equal(3, trial.ExitCode);
    }

    [Fact]
    public void Abandon_LeavesAloneAProcessThatReusedTheId()
    {
        // This test's own process id with another trial's events file: a reused id, which must not be signalled.
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        new LocalExecutor(TestApp.Dll, _folder.Path).Abandon($"{self.Id} {Launch().EventsPath}");
        new LocalExecutor(TestApp.Dll, _folder.Path).Abandon("not a handle");
        Assert.False(self.HasExited);
    }
}
