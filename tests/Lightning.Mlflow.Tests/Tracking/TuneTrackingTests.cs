using Lightning.Hosting;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;

namespace Lightning.Mlflow.Tests.Tracking;

/// <summary><c>tune lr</c> as users run it: the test app's real process, its LR finder recorded in MLflow's file store.</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class TuneTrackingTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public void TuneLr_PrintsTheSuggestionAndTheFitCommand_AndRecordsATuneRunWithItsPlot()
    {
        var run = TestApp.Run(_work.Path,
            ["tune", "lr", "--min-lr", "1e-5", "--num-training", "30", "--trainer.seed=5", "--trainer.threads=1"], TestApp.Mlflow);

        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output + run.Error);
        var suggestion = Assert.Single(run.Output.Split('\n'), l => l.StartsWith("Suggested learning rate: ", StringComparison.Ordinal))
            ["Suggested learning rate: ".Length..].Trim();
        // The user's overrides carry over, and the learning rate goes to the model options' lr key.
        Assert.Contains($"Train with it: dotnet lightning fit --trainer.seed=5 --trainer.threads=1 --model.lr={suggestion}", run.Output);

        var experiment = Assert.Single(MlrunsReader.Experiments(_work.Combine("mlruns")), e => e.Name == "Lightning.TestApp");
        var recorded = Assert.Single(MlrunsReader.Runs(experiment));
        Assert.Equal(3, recorded.Status);
        Assert.Equal("tune", recorded.Tag("lightning.stage"));
        Assert.Equal("30", recorded.Param("tune/num_training"));
        var losses = recorded.Metric("lr_find/loss");
        Assert.Equal(losses.Count, recorded.Metric("lr_find/lr").Count);
        Assert.InRange(losses.Count, 12, 30);
        Assert.Equal(1e-5, recorded.Metric("lr_find/lr").Single(p => p.Step == 0).Value, 12);
        Assert.True(File.Exists(Path.Combine(recorded.Artifacts, "plots", "lr_find.png")));
        Assert.False(File.Exists(Path.Combine(recorded.Artifacts, "plots", "learning_curves.png")));
    }
}
