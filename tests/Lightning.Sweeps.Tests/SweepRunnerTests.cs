using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Running;

namespace Lightning.Sweeps.Tests;

public sealed class SweepRunnerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lightning-sweep-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SweepConfig Config(string extra = "") => SweepConfigReader.Parse($$"""
        method: grid
        metric: {name: val_loss, goal: minimize}
        parameters:
          model.lr: {values: [0.1, 0.01, 0.001, 0.0001]}
        {{extra}}
        """);

    private SweepOptions Options(FakeExecutor executor, SweepConfig config, int parallel = 2) => new()
    {
        ProjectFolder = _folder, Config = config, ConfigPath = Path.Combine(_folder, "sweep.yaml"), Executor = executor,
        Parallel = parallel, PollInterval = TimeSpan.Zero,
    };

    // A trial's curve: lr 0.01 is best; every curve decreases over 4 epochs.
    private static double[] Curve(Executors.TrialLaunch launch)
    {
        var lr = double.Parse(launch.Arguments.Single(a => a.StartsWith("--model.lr=", StringComparison.Ordinal))["--model.lr=".Length..],
            System.Globalization.CultureInfo.InvariantCulture);
        var offset = Math.Abs(Math.Log10(lr) + 2);
        return [1 + offset, 0.8 + offset, 0.6 + offset, 0.5 + offset];
    }

    [Fact]
    public void Grid_RunsEveryTrialWithinTheParallelLimit_AndFindsTheBest()
    {
        var executor = new FakeExecutor(Curve);
        var result = new SweepRunner(Options(executor, Config())).Run(CancellationToken.None);
        Assert.Equal(4, executor.Launched.Count);
        Assert.Equal(2, executor.MaxConcurrent);
        Assert.Equal(4, result.Finished);
        Assert.Equal(1, result.BestTrial);
        Assert.Equal(0.01, result.BestParams["model.lr"]);
        Assert.Equal(0.5, result.BestValue);
        Assert.All(executor.Launched, l => Assert.Contains("--tracking.tags=sweep.id=" + result.Id + ",sweep.trial=" + l.Number, l.Arguments));
    }

    [Fact]
    public void Asha_StopsTheWorseTrialsAtTheRungs()
    {
        var executor = new FakeExecutor(Curve);
        var result = new SweepRunner(Options(executor, Config("early_terminate: {type: asha, min_iter: 1, eta: 2}"), parallel: 1))
            .Run(CancellationToken.None);
        // Sequential, eta 2: trial 0 (offset 1) runs alone; trial 1 (best) goes on; trials 2 and 3 are worse at rung 1.
        Assert.Equal(2, result.Finished);
        Assert.Equal(2, result.Pruned);
        Assert.Equal(1, result.BestTrial);
    }

    [Fact]
    public void Asha_TrialsWaitAtEachRung_AndPrunedOnesStopExactlyThere()
    {
        var executor = new FakeExecutor(Curve);
        var result = new SweepRunner(Options(executor, Config("early_terminate: {type: asha, min_iter: 1, eta: 2}"), parallel: 2))
            .Run(CancellationToken.None);
        var variable = Lightning.Hosting.SweepTrialContract.DecisionEpochsVariable;
        Assert.All(executor.Launched, l => Assert.StartsWith("1,2,4,8,", l.Environment![variable]));
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, ".lightning", "sweeps", result.Id, "state.json")))!;
        foreach (var trial in state["trials"]!.AsArray())
        {
            var launch = executor.Launched.Single(l => l.Number == trial!["number"]!.GetValue<int>());
            var epochs = trial!["curve"]!.AsObject().Count;
            string Decision(int epoch) => File.ReadAllText(Lightning.Hosting.SweepTrialContract.DecisionPath(launch.EventsPath, epoch));
            if (trial["state"]!.GetValue<string>() == "Pruned")
            {
                // Stopped at a rung, told so there, and not one epoch trained past it.
                Assert.Contains(epochs, new[] { 1, 2 });
                Assert.Equal("stop", Decision(epochs));
            }
            else
            {
                Assert.Equal(4, epochs);
                Assert.All(new[] { 1, 2, 4 }, rung => Assert.Equal("continue", Decision(rung)));
            }
        }
        Assert.True(result.Pruned > 0);
    }

    [Fact]
    public void CrashingTrial_IsFailedWithItsLastLines_AndTheSweepGoesOn()
    {
        var executor = new FakeExecutor(Curve, l => l.Number == 1 ? 1 : null);
        var result = new SweepRunner(Options(executor, Config())).Run(CancellationToken.None);
        Assert.Equal(3, result.Finished);
        Assert.Equal(1, result.Failed);
        var state = File.ReadAllText(Path.Combine(_folder, ".lightning", "sweeps", result.Id, "state.json"));
        Assert.Contains("boom: the trial crashed", state);
    }

    [Fact]
    public void FailedTrialLine_ShowsTheMessage_NotTheStackFrames()
    {
        var executor = new FakeExecutor(Curve, l => l.Number == 1 ? 1 : null);
        var output = new StringWriter();
        new SweepRunner(Options(executor, Config()) with { Output = output }).Run(CancellationToken.None);
        var lines = output.ToString().Split(Environment.NewLine);
        var failed = Array.FindIndex(lines, l => l.StartsWith("trial 1 failed (exit code 1): ", StringComparison.Ordinal));
        Assert.True(failed >= 0, output.ToString());
        Assert.Contains("Unhandled exception. System.InvalidOperationException: boom: the trial crashed", lines[failed..(failed + 2)]);
        Assert.DoesNotContain(lines,
            l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("--- End of", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, "the only trial failed")]
    [InlineData(2, "all 2 trials failed")]
    [InlineData(4, "the first 3 trials all failed")]
    public void FailingFast_CountsTheTrialsThatTrulyFailed(int trials, string expected)
    {
        var executor = new FakeExecutor(Curve, _ => 1);
        var result = new SweepRunner(Options(executor, Config(), parallel: 1) with { Trials = trials }).Run(CancellationToken.None);
        Assert.Equal(SweepStatus.FirstTrialsFailed, result.Status);
        Assert.StartsWith(expected + ";", result.StopMessage);
    }

    [Fact]
    public void FirstTrialsAllFailing_StopsTheSweepAndSaysWhy()
    {
        var executor = new FakeExecutor(Curve, _ => 1);
        var result = new SweepRunner(Options(executor, Config()) with { FailFast = 2, Parallel = 1 }).Run(CancellationToken.None);
        Assert.Equal(2, executor.Launched.Count);
        Assert.Contains("the first 2 trials all failed", result.StopMessage);
    }

    [Fact]
    public void Resume_KeepsFinishedTrials_AndRequeuesOnlyTheRunningOnes()
    {
        // A controller that died: trial 0 finished, trial 1 was running.
        var first = new FakeExecutor(Curve);
        using (var cancel = new CancellationTokenSource())
        {
            var options = Options(first, Config(), parallel: 1) with { Output = new CancelAfterLines(cancel, "trial 1 epoch 2") };
            var interrupted = new SweepRunner(options).Run(cancel.Token);
            Assert.Equal(SweepStatus.Cancelled, interrupted.Status);
            var state = Path.Combine(_folder, ".lightning", "sweeps", interrupted.Id, "state.json");
            Assert.Contains("\"Pending\"", File.ReadAllText(state));
            // As if the controller had been killed instead: the trial is still recorded as running.
            File.WriteAllText(state, File.ReadAllText(state).Replace("\"Pending\"", "\"Running\"", StringComparison.Ordinal));
            var resumed = new FakeExecutor(Curve);
            var result = new SweepRunner(Options(resumed, Config(), parallel: 1) with { ResumeId = interrupted.Id }).Run(CancellationToken.None);
            Assert.Equal([1, 2, 3], resumed.Launched.Select(l => l.Number));
            Assert.Equal(4, result.Finished);
        }
    }

    [Fact]
    public void QueueingExecutor_GetsEveryGridTrialAsOneBatch_ThrottledToTheParallelLimit()
    {
        var executor = new FakeExecutor(Curve, queues: true);
        var result = new SweepRunner(Options(executor, Config(), parallel: 2)).Run(CancellationToken.None);
        var batch = Assert.Single(executor.Batches);
        Assert.Equal([0, 1, 2, 3], batch.Numbers);
        Assert.Equal(2, batch.Parallel);
        Assert.Equal(4, result.Finished);
    }

    [Fact]
    public void QueueingExecutor_WithTpe_GetsTrialsOnlyAsSlotsFree()
    {
        // TPE learns from results: queueing all trials up front would make every proposal blind.
        var config = SweepConfigReader.Parse("""
            method: tpe
            metric: {name: val_loss, goal: minimize}
            run_cap: 5
            parameters:
              model.lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
            """);
        var executor = new FakeExecutor(Curve, queues: true);
        new SweepRunner(Options(executor, config, parallel: 2)).Run(CancellationToken.None);
        Assert.Equal(5, executor.Launched.Count);
        Assert.All(executor.Batches, b => Assert.True(b.Numbers.Length <= 2, $"batch {string.Join(",", b.Numbers)}"));
        Assert.Equal(2, executor.MaxConcurrent);
    }

    [Fact]
    public void Resume_StopsWhatTheDeadControllerLeftRunning_BeforeStartingItAgain()
    {
        var first = new FakeExecutor(Curve);
        using var cancel = new CancellationTokenSource();
        var interrupted = new SweepRunner(Options(first, Config(), parallel: 1) with { Output = new CancelAfterLines(cancel, "trial 1 epoch 2") })
            .Run(cancel.Token);
        var state = Path.Combine(_folder, ".lightning", "sweeps", interrupted.Id, "state.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(state))!;
        // As if the controller had been killed while trial 1's first attempt ran: running, with its handle recorded.
        var trial = json["trials"]!.AsArray().Single(t => t!["number"]!.GetValue<int>() == 1)!;
        trial["state"] = "Running";
        trial["handle"] = "pid-of-attempt-1";
        File.WriteAllText(state, json.ToJsonString());

        var resumed = new FakeExecutor(Curve);
        var output = new StringWriter();
        new SweepRunner(Options(resumed, Config(), parallel: 1) with { ResumeId = interrupted.Id, Output = output }).Run(CancellationToken.None);
        Assert.Equal(["pid-of-attempt-1"], resumed.Abandoned);
        Assert.Contains("trial 1: stopping what is left of attempt 1 (pid-of-attempt-1)", output.ToString());
        Assert.Equal(1, resumed.Launched[0].Number);
        // Every trial ended, so none keeps a handle a later resume would try to stop.
        Assert.All(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(state))!["trials"]!.AsArray(), t => Assert.Null(t!["handle"]));
    }

    [Fact]
    public void FailingFast_StopsTheTrialsStillRunning_SoResumeRunsThemAgain()
    {
        // Trials 0-2 crash at once; trial 3 would run its whole curve.
        var executor = new FakeExecutor(_ => [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3], l => l.Number < 3 ? 1 : null);
        var result = new SweepRunner(Options(executor, Config(), parallel: 4)).Run(CancellationToken.None);
        Assert.Contains("the first 3 trials all failed", result.StopMessage);
        var state = File.ReadAllText(Path.Combine(_folder, ".lightning", "sweeps", result.Id, "state.json"));
        var trial3 = System.Text.Json.Nodes.JsonNode.Parse(state)!["trials"]!.AsArray().Single(t => t!["number"]!.GetValue<int>() == 3)!;
        Assert.Equal("Pending", trial3["state"]!.GetValue<string>());
        Assert.True(trial3["curve"]!.AsObject().Count < 8);
    }

    [Fact]
    public void SecondSweepInTheSameFolder_RefusesNamingTheFirst()
    {
        var blocking = new FakeExecutor(Curve);
        using var cancel = new CancellationTokenSource();
        string? message = null;
        var options = Options(blocking, Config(), parallel: 1) with
        {
            Output = new OnLine("trial 0 started", () =>
            {
                message = Assert.Throws<SweepRefusedException>(
                    () => new SweepRunner(Options(new FakeExecutor(Curve), Config())).Run(CancellationToken.None)).Message;
                cancel.Cancel();
            }),
        };
        var first = new SweepRunner(options).Run(cancel.Token);
        Assert.Contains($"Sweep {first.Id} is already running", message);
    }

    private sealed class CancelAfterLines(CancellationTokenSource cancel, string marker) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            if (value?.Contains(marker, StringComparison.Ordinal) == true) cancel.Cancel();
        }
    }

    private sealed class OnLine(string marker, Action action) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            if (value?.Contains(marker, StringComparison.Ordinal) == true) action();
        }
    }
}
