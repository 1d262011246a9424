using Lightning.Hosting;
using Microsoft.Extensions.Time.Testing;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Hosting;

/// <summary>A sweep trial waits at its decision epochs for the controller (here the test plays the controller).</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class DecisionGateTests : IDisposable
{
    private static readonly string[] Quiet = ["--trainer.enable_model_summary=false", "--trainer.threads=1"];
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    private string Events => _work.Combine("events.jsonl");

    private System.Diagnostics.Process StartTrial(string decisionEpochs, string? timeoutSeconds = null)
    {
        var environment = new Dictionary<string, string>
        {
            [SweepTrialContract.TrialVariable] = "0",
            [SweepTrialContract.DecisionEpochsVariable] = decisionEpochs,
        };
        if (timeoutSeconds is not null) environment[SweepTrialContract.DecisionTimeoutVariable] = timeoutSeconds;
        return TestApp.Start(_work.Path, ["fit", "--trainer.max_epochs=4", "--trainer.enable_checkpointing=false", "--events", Events, .. Quiet],
            environment);
    }

    // Complete lines only: the trial may be writing the next one.
    private int EpochEnds() => EventsReader.ReadAll(Events).OfType<EpochEnded>().Count();

    [Fact]
    public void Trial_WaitsAtADecisionEpoch_UntilTheControllerSaysContinue()
    {
        using var trial = StartTrial("2");
        TestApp.WaitForEvents(Events, _ => EpochEnds() == 2, trial, TimeSpan.FromMinutes(2));
        // Undecided, the trial has not trained on (that it keeps waiting is Gate_WaitsOnItsClock_UntilTheControllerAnswers's to show).
        Assert.Equal(2, EpochEnds());
        Assert.False(trial.HasExited);

        SweepTrialContract.WriteDecision(Events, 2, stop: false);
        var run = TestApp.Collect(trial, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output);
        Assert.Equal(4, EpochEnds());
    }

    [Fact]
    public void Trial_ToldToStopWithSigterm_EndsPrunedAtThatEpoch()
    {
        using var trial = StartTrial("1,3");
        TestApp.WaitForEvents(Events, _ => EpochEnds() == 1, trial, TimeSpan.FromMinutes(2));
        // As the controller does it: the signal, then the decision.
        Signals.Send(trial.Id, Signals.Terminate);
        SweepTrialContract.WriteDecision(Events, 1, stop: true);
        var run = TestApp.Collect(trial, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == ExitCodes.Stopped, run.Output);
        Assert.Equal(1, EpochEnds());
    }

    [Fact]
    public void Trial_WithoutAnAnswer_TrainsOnAfterTheTimeout_SayingWhy()
    {
        using var trial = StartTrial("2", timeoutSeconds: "1");
        var run = TestApp.Collect(trial, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output);
        Assert.Contains("No decision from the sweep controller for epoch 2 within 1 s", run.Error);
        Assert.Equal(4, EpochEnds());
    }

    // In process, on a fake clock: the gate's waiting is the clock's, not the wall's.
    private DecisionGate Gate(FakeTimeProvider time, CancellationToken stopping, TextWriter error) =>
        new(Events, stopping, TimeSpan.FromMinutes(5), time, error);

    /// <summary>
    /// Advances <paramref name="time"/> a step at a time until <paramref name="waiting"/> ends; a gate on the wall
    /// clock would not end within the deadline.
    /// </summary>
    private static async Task<DecisionOutcome> AdvanceUntilDone(FakeTimeProvider time, Task<DecisionOutcome> waiting, TimeSpan step)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!waiting.IsCompleted && deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            time.Advance(step);
            await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(10)));
        }
        Assert.True(waiting.IsCompleted, "the gate did not return within a minute of advancing its clock");
        return await waiting;
    }

    [Fact]
    public async Task Gate_WaitsOnItsClock_UntilTheControllerAnswers()
    {
        var time = new FakeTimeProvider();
        var waiting = Task.Run(() => Gate(time, CancellationToken.None, TextWriter.Null).Wait(2));
        // Four of the five minutes pass on the gate's clock: no answer, so it still waits.
        for (var minute = 0; minute < 4 && !waiting.IsCompleted; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(50)));
        }
        Assert.False(waiting.IsCompleted);

        SweepTrialContract.WriteDecision(Events, 2, stop: false);
        Assert.Equal(DecisionOutcome.Continue, await AdvanceUntilDone(time, waiting, DecisionGate.PollInterval));
    }

    [Fact]
    public async Task Gate_WithoutAnAnswer_GivesUpWhenItsClockPassesTheTimeout_SayingWhy()
    {
        var time = new FakeTimeProvider();
        var error = new StringWriter();
        var waiting = Task.Run(() => Gate(time, CancellationToken.None, error).Wait(3));
        Assert.Equal(DecisionOutcome.TimedOut, await AdvanceUntilDone(time, waiting, TimeSpan.FromMinutes(1)));
        Assert.StartsWith("No decision from the sweep controller for epoch 3 within 300 s", error.ToString());
        Assert.True(time.GetUtcNow() - time.Start >= TimeSpan.FromMinutes(5), "gave up before the timeout on its own clock");
    }

    [Fact]
    public async Task Gate_ToldStop_ReturnsAsSoonAsTheStopSignalIsSeen()
    {
        var time = new FakeTimeProvider();
        using var stopping = new CancellationTokenSource();
        SweepTrialContract.WriteDecision(Events, 1, stop: true);
        var waiting = Task.Run(() => Gate(time, stopping.Token, TextWriter.Null).Wait(1));
        stopping.Cancel();
        // No time needs to pass: the signal ends the wait for it.
        Assert.Equal(DecisionOutcome.Stop, await waiting.WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Gate_OnARankTheSignalDoesNotReach_ReturnsStopAtOnce_WithoutWaitingForTheSignal()
    {
        var time = new FakeTimeProvider();
        SweepTrialContract.WriteDecision(Events, 1, stop: true);
        // A data-parallel trial's rank 1: the stop reaches it at the next step boundary, where the ranks agree on it.
        var gate = new DecisionGate(Events, CancellationToken.None, TimeSpan.FromMinutes(5), time, TextWriter.Null, signalled: false);
        // No time passes on the gate's clock: a gate waiting for a signal would not return.
        Assert.Equal(DecisionOutcome.Stop, await Task.Run(() => gate.Wait(1)).WaitAsync(TimeSpan.FromMinutes(1)));
    }
}
