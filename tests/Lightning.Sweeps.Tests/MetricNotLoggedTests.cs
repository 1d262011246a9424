using System.Diagnostics;
using Lightning.Hosting;
using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Running;
using Lightning.TestSupport;

namespace Lightning.Sweeps.Tests;

/// <summary>A sweep whose metric the trials do not log stops at the first epoch that lacks it, and never waits at a rung.</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class MetricNotLoggedTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static SweepConfig Config(string metric, string extra = "") => SweepConfigReader.Parse($$"""
        method: grid
        metric: {name: {{metric}}, goal: minimize}
        parameters:
          model.lr: {values: [0.1, 0.05, 0.01, 0.005]}
        {{extra}}
        """);

    private SweepOptions Options(ITrialExecutor executor, SweepConfig config) => new()
    {
        ProjectFolder = _folder.Path, Config = config, ConfigPath = _folder.Combine("other.yaml"), Executor = executor,
        Parallel = 2, PollInterval = TimeSpan.Zero,
    };

    [Theory]
    [InlineData("")]
    [InlineData("early_terminate: {type: asha, min_iter: 1, eta: 3}")]
    public void MetricTypo_StopsTheSweepAtTheFirstEpoch_NamingWhatWasLogged(string earlyTerminate)
    {
        var executor = new FakeExecutor(_ => [1, 0.9, 0.8, 0.7]);
        var result = new SweepRunner(Options(executor, Config("val_los", earlyTerminate))).Run(CancellationToken.None);

        Assert.Equal(SweepStatus.MetricNotLogged, result.Status);
        Assert.Equal("metric 'val_los' (other.yaml) was not logged by trial 0; it logged: train_loss, val_loss (did you mean 'val_loss'?)",
            result.StopMessage);
        // Only the two trials that were running started, and each stopped after the epoch that lacked the metric.
        Assert.Equal([0, 1], executor.Launched.Select(l => l.Number));
        Assert.Equal(0, result.Finished);
        Assert.All(executor.Launched, l => Assert.Single(File.ReadAllLines(l.EventsPath), e => EventsReader.Parse(e) is EpochEnded));
        if (earlyTerminate.Length > 0)
            Assert.All(executor.Launched,
                l => Assert.Equal(SweepTrialContract.Stop, File.ReadAllText(SweepTrialContract.DecisionPath(l.EventsPath, 1))));
    }

    [Fact]
    public void AValidationMetricNotThereBeforeTheFirstValidation_IsNotAMistake()
    {
        // check_val_every_n_epoch: 2 — the first epoch ends before any validation, so val_loss cannot be there yet.
        var executor = new FakeExecutor(_ => [1, 0.9, 0.8, 0.7], validateEvery: 2);
        var result = new SweepRunner(Options(executor, Config("val_loss", "early_terminate: {type: asha, min_iter: 1, eta: 3}")))
            .Run(CancellationToken.None);
        Assert.Equal(SweepStatus.Completed, result.Status);
        Assert.Equal(4, result.Finished + result.Pruned);
        Assert.All(executor.Launched,
            l => Assert.Equal(SweepTrialContract.Continue, File.ReadAllText(SweepTrialContract.DecisionPath(l.EventsPath, 1))));
    }

    [Fact]
    public void TrialEndingWithoutTheMetric_StopsTheSweep()
    {
        // Trials that end before any epoch: nothing logged at all.
        var executor = new FakeExecutor(_ => []);
        var result = new SweepRunner(Options(executor, Config("val_loss"))).Run(CancellationToken.None);
        Assert.Equal(SweepStatus.MetricNotLogged, result.Status);
        Assert.Equal("metric 'val_loss' (other.yaml) was not logged by trial 0; it logged no metrics", result.StopMessage);
        Assert.Equal(2, executor.Launched.Count);
    }

    [Fact]
    public void MetricTypo_WithAsha_RealTrialsStopWithinAMinute()
    {
        // Trials wait at rung 1 for a decision; without one they would wait out the 300 s decision timeout.
        var config = Config("val_los", """
              trainer.max_epochs: {value: 20}
              trainer.threads: {value: 1}
            early_terminate: {type: asha, min_iter: 1, eta: 3}
            """);
        var options = Options(new LocalExecutor(TestApp.Dll, _folder.Path), config) with
        {
            PollInterval = TimeSpan.FromMilliseconds(50), PrintConfig = AppPrintConfig.Of(TestApp.Dll, _folder.Path),
        };
        var watch = Stopwatch.StartNew();
        var result = new SweepRunner(options).Run(CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
        Assert.Equal(SweepStatus.MetricNotLogged, result.Status);
        Assert.Matches(@"^metric 'val_los' \(other\.yaml\) was not logged by trial [01]; it logged: .*val_loss.* \(did you mean 'val_loss'\?\)$",
            result.StopMessage);
        var trials = Directory.GetDirectories(Path.Combine(_folder.Path, ".lightning", "sweeps", result.Id), "trial-*");
        Assert.True(trials.Length <= 2, string.Join(", ", trials));
    }
}
