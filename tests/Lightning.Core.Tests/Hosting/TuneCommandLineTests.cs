using Lightning.Core.Tuning;
using Lightning.Hosting;

namespace Lightning.Core.Tests.Hosting;

/// <summary>The app's <c>tune lr</c> command line: Lightning's defaults, the sweep's options, overrides passed through.</summary>
public sealed class TuneCommandLineTests
{
    private static AppInvocation Parse(params string[] args)
    {
        AppInvocation? parsed = null;
        var exit = AppCommandLine.Build("app", invocation => { parsed = invocation; return 0; }).Parse(args).Invoke();
        Assert.Equal(0, exit);
        return parsed!;
    }

    [Fact]
    public void TuneLr_WithoutOptions_TakesLightningsDefaults()
    {
        var invocation = Parse("tune", "lr");
        Assert.Equal(AppCommand.Tune, invocation.Command);
        Assert.Equal(new LrFindOptions(), invocation.LrFind!.Options);
        Assert.Equal(1e-8, invocation.LrFind.Options.MinLr);
        Assert.Equal(4.0, invocation.LrFind.Options.EarlyStopThreshold);
        Assert.Null(invocation.LrFind.LrKey);
        Assert.Equal("tune", AppCommandLine.NameOf(AppCommand.Tune));
    }

    [Fact]
    public void TuneLr_TakesTheSweepsOptions_AndPassesOverridesThrough()
    {
        var invocation = Parse("tune", "lr", "--min-lr", "1e-6", "--max-lr", "0.5", "--num-training", "50", "--mode", "linear",
            "--no-early-stop", "--lr-key", "model.learning_rate", "--data.batch_size=64");
        Assert.Equal(new LrFindOptions { MinLr = 1e-6, MaxLr = 0.5, NumTraining = 50, Mode = LrFindMode.Linear, EarlyStopThreshold = null },
            invocation.LrFind!.Options);
        Assert.Equal("model.learning_rate", invocation.LrFind.LrKey);
        Assert.Equal(["--data.batch_size=64"], invocation.Overrides);
    }

    [Fact]
    public void OtherCommands_CarryNoLrFinderRequest() => Assert.Null(Parse("fit").LrFind);
}
