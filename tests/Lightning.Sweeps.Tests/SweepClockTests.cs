using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Running;
using Microsoft.Extensions.Time.Testing;

namespace Lightning.Sweeps.Tests;

/// <summary>The controller reads time only from its TimeProvider: its polling waits and its sweep ids follow a fake clock.</summary>
public sealed class SweepClockTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lightning-sweep-clock-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SweepOptions Options(FakeExecutor executor, FakeTimeProvider time, TimeSpan poll) => new()
    {
        ProjectFolder = _folder, ConfigPath = Path.Combine(_folder, "sweep.yaml"), Executor = executor, Parallel = 2, Time = time,
        PollInterval = poll,
        Config = SweepConfigReader.Parse("""
            method: grid
            metric: {name: val_loss, goal: minimize}
            parameters:
              model.lr: {values: [0.1, 0.01]}
            """),
    };

    [Fact]
    public async Task PollingWaitsOnTheInjectedClock_AnHourAPollPassesOnlyWhenTheFakeClockIsAdvanced()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var executor = new FakeExecutor(_ => [1.0, 0.5]);
        var sweep = Task.Run(() => new SweepRunner(Options(executor, time, TimeSpan.FromHours(1))).Run(CancellationToken.None));

        // On the wall clock an hour a poll would never end within the deadline; each advance lets one poll through.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        // The id is taken from the clock before the first trial starts: no advance until then, however slow the start.
        while (executor.Launched.Count == 0 && !sweep.IsCompleted && deadline.Elapsed < TimeSpan.FromMinutes(1))
            await Task.WhenAny(sweep, Task.Delay(TimeSpan.FromMilliseconds(10)));
        var advances = 0;
        while (!sweep.IsCompleted && deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.WhenAny(sweep, Task.Delay(TimeSpan.FromMilliseconds(10)));
            time.Advance(TimeSpan.FromHours(1));
            advances++;
        }

        Assert.True(sweep.IsCompleted, "the sweep did not end within a minute of advancing its clock");
        var result = await sweep;
        Assert.Equal(2, result.Finished);
        // Two epochs and an exit per trial take several polls: the sweep waited for the clock between them.
        Assert.True(advances >= 3, $"only {advances} advances: the sweep did not wait between polls");
        Assert.StartsWith("20310203-040506-", result.Id);
    }

    [Fact]
    public async Task Cancelling_EndsAPollWaitAtOnce_WithoutTheClockMoving()
    {
        var time = new FakeTimeProvider();
        using var cancel = new CancellationTokenSource();
        var sweep = Task.Run(() => new SweepRunner(Options(new FakeExecutor(_ => [1.0, 0.5, 0.4]), time, TimeSpan.FromHours(1))).Run(cancel.Token));
        cancel.Cancel();
        // Stopped trials exit at the next poll, which cancelling no longer makes wait for the clock.
        var result = await sweep.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(SweepStatus.Cancelled, result.Status);
    }
}
