using Lightning.Core.Hosting;
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
        return TestApp.Start(_work.Path, ["fit", "--trainer.max_epochs=4", "--trainer.enable_checkpointing=false", "--events", Events, .. Quiet], environment);
    }

    private static int EpochEnds(List<string> lines) => lines.Count(l => l.Contains("\"epoch_end\"", StringComparison.Ordinal));

    [Fact]
    public void Trial_WaitsAtADecisionEpoch_UntilTheControllerSaysContinue()
    {
        using var trial = StartTrial("2");
        TestApp.WaitForEvents(Events, lines => EpochEnds(lines) == 2, trial, TimeSpan.FromMinutes(2));
        // Undecided, the trial must not train on: a second later it still has reported two epochs and runs.
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Assert.Equal(2, EpochEnds([.. File.ReadAllLines(Events)]));
        Assert.False(trial.HasExited);

        SweepTrialContract.WriteDecision(Events, 2, stop: false);
        var run = TestApp.Collect(trial, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(4, EpochEnds([.. File.ReadAllLines(Events)]));
    }

    [Fact]
    public void Trial_ToldToStopWithSigterm_EndsPrunedAtThatEpoch()
    {
        using var trial = StartTrial("1,3");
        TestApp.WaitForEvents(Events, lines => EpochEnds(lines) == 1, trial, TimeSpan.FromMinutes(2));
        // As the controller does it: the signal, then the decision.
        Signals.Send(trial.Id, Signals.Terminate);
        SweepTrialContract.WriteDecision(Events, 1, stop: true);
        var run = TestApp.Collect(trial, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == ExitCodes.Stopped, run.Output);
        Assert.Equal(1, EpochEnds([.. File.ReadAllLines(Events)]));
    }

    [Fact]
    public void Trial_WithoutAnAnswer_TrainsOnAfterTheTimeout_SayingWhy()
    {
        using var trial = StartTrial("2", timeoutSeconds: "1");
        var run = TestApp.Collect(trial, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("No decision from the sweep controller for epoch 2 within 1 s", run.Error);
        Assert.Equal(4, EpochEnds([.. File.ReadAllLines(Events)]));
    }
}
