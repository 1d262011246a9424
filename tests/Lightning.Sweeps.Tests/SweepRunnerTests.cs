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
        var lr = double.Parse(launch.Arguments.Single(a => a.StartsWith("--model.lr=", StringComparison.Ordinal))["--model.lr=".Length..], System.Globalization.CultureInfo.InvariantCulture);
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
        var result = new SweepRunner(Options(executor, Config("early_terminate: {type: asha, min_iter: 1, eta: 2}"), parallel: 1)).Run(CancellationToken.None);
        // Sequential, eta 2: trial 0 (offset 1) runs alone; trial 1 (best) goes on; trials 2 and 3 are worse at rung 1.
        Assert.Equal(2, result.Finished);
        Assert.Equal(2, result.Pruned);
        Assert.Equal(1, result.BestTrial);
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
    public void FirstTrialsAllFailing_StopsTheSweepAndSaysWhy()
    {
        var executor = new FakeExecutor(Curve, _ => 1);
        var result = new SweepRunner(Options(executor, Config()) with { FailFast = 2, Parallel = 1 }).Run(CancellationToken.None);
        Assert.Equal(2, executor.Launched.Count);
        Assert.Contains("the first 2 trials all failed", result.Stopped);
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
            Assert.Equal("cancelled", interrupted.Stopped);
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
    public void SecondSweepInTheSameFolder_RefusesNamingTheFirst()
    {
        var blocking = new FakeExecutor(Curve);
        using var cancel = new CancellationTokenSource();
        string? message = null;
        var options = Options(blocking, Config(), parallel: 1) with
        {
            Output = new OnLine("trial 0 started", () =>
            {
                message = Assert.Throws<InvalidOperationException>(() => new SweepRunner(Options(new FakeExecutor(Curve), Config())).Run(CancellationToken.None)).Message;
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
