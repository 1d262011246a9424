using Lightning.Mlflow.Stores;
using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Running;
using Lightning.TestSupport;

namespace Lightning.Sweeps.Tests;

/// <summary>Keys and values are checked by the test app's real print-config before anything of the sweep exists.</summary>
public sealed class SweepPreflightTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private int _calls;

    public void Dispose() => _folder.Dispose();

    private PrintConfig Counted()
    {
        var app = AppPrintConfig.Of(TestApp.Dll, _folder.Path);
        return overrides =>
        {
            _calls++;
            return app(overrides);
        };
    }

    private static SweepConfig Config(string parameters) => SweepConfigReader.Parse($$"""
        method: random
        run_cap: 4
        metric: {name: val_loss, goal: minimize}
        parameters:
        {{parameters}}
        """);

    [Fact]
    public void RefusedValues_StopTheSweepBeforeAnythingStarts_NamingFileParameterValueAndReason()
    {
        var executor = new FakeExecutor(_ => [1]);
        using var store = new FileStore(_folder.Combine("mlruns"));
        var options = new SweepOptions
        {
            ProjectFolder = _folder.Path, ConfigPath = _folder.Combine("other.yaml"), Executor = executor, Store = store, PrintConfig = Counted(),
            Config = Config("""
                  model.lr: {values: [0.1, abc]}
                  model.hidden: {distribution: uniform, min: 1.5, max: 8}
                """),
        };

        var refused = Assert.Throws<SweepConfigException>(() => new SweepRunner(options).Run(CancellationToken.None));
        Assert.Equal(
            ["other.yaml: parameter 'model.hidden' has min '1.5', which the app refuses: must be a whole number.",
             "other.yaml: parameter 'model.lr' has value 'abc', which the app refuses: must be a number."],
            refused.Problems.Order());
        Assert.Empty(executor.Launched);
        Assert.False(Directory.Exists(_folder.Combine(".lightning")));
        Assert.Empty(FileStoreReader.Runs(_folder.Combine("mlruns")));
        // One call per value index, and one for the keys because the first was refused.
        Assert.Equal(3, _calls);
    }

    [Fact]
    public void AcceptedValues_AreCheckedInOneCallPerValueIndex()
    {
        var config = Config("""
              model.lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
              model.hidden: {values: [8, 16, 32]}
              trainer.max_epochs: {value: 3}
            """);
        SweepPreflight.Check(config, _folder.Combine("sweep.yaml"), Counted());
        Assert.Equal(3, _calls);
    }

    [Fact]
    public void UnknownKey_NamesTheFileUsedAndTheNearestKey()
    {
        var unknown = Assert.Throws<SweepConfigException>(() =>
            SweepPreflight.Check(Config("  model.hiden: {values: [8, 16]}"), _folder.Combine("other.yaml"), Counted()));
        Assert.Equal("other.yaml: parameter 'model.hiden' is not a key of the app's configuration. Did you mean 'model.hidden'?", unknown.Message);
    }
}
