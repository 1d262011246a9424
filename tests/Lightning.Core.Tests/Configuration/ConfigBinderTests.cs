using Lightning.Hosting.Configuration;
using Lightning.TestSupport;
using System.Collections;
using Lightning.Core.Configuration;
using Lightning.Hosting;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;

namespace Lightning.Core.Tests.Configuration;

public sealed class ConfigBinderTests
{
    private static AppConfig Bind(IEnumerable<ConfigEntry>? yaml = null, IDictionary? environment = null, params string[] arguments)
    {
        var entries = ConfigSources.Merge(yaml ?? [], ConfigSources.FromEnvironment(environment ?? new Hashtable()),
            ConfigSources.FromArguments(arguments, ["--config"]));
        var binder = new ConfigBinder(entries);
        var config = new AppConfig(binder.Bind<TrainerOptions>("trainer"), binder.Bind(typeof(SampleModelOptions), "model"), null,
            binder.Bind<TrackingOptions>("tracking"), binder.Bind<CallbacksOptions>("callbacks"));
        binder.BindNothing("data");
        binder.Complete(config.Sections());
        return config;
    }

    private static IReadOnlyList<ConfigIssue> Issues(params string[] arguments) =>
        Assert.Throws<LightningConfigException>(() => Bind(arguments: arguments)).Issues;

    [Fact]
    public void Overrides_AcceptAnySpellingOfAKey()
    {
        var config = Bind(arguments:
            ["--trainer.max_epochs=3", "--trainer.logEveryNSteps", "7", "--model.lr=0.01", "--callbacks.model_checkpoint.save_top_k=2"]);
        Assert.Equal(3, config.Trainer.MaxEpochs);
        Assert.Equal(7, config.Trainer.LogEveryNSteps);
        Assert.Equal(0.01, ((SampleModelOptions)config.Model!).Lr);
        Assert.Equal(2, config.Callbacks.ModelCheckpoint.SaveTopK);
    }

    [Fact]
    public void Layers_LaterWins()
    {
        using var root = new TempDirectory();
        var file = root.Combine("lightning.yaml");
        File.WriteAllText(file, "trainer:\n  max_epochs: 5\n  precision: bf16-true\nmodel:\n  lr: 0.5\n  sizes: [4, 8]\n");
        var environment = new Hashtable { ["LIGHTNING__TRAINER__MAX_EPOCHS"] = "6", ["LIGHTNING_PROGRESS"] = "plain", ["OTHER"] = "x" };
        var config = Bind(ConfigSources.FromYamlFile(file), environment, "--model.lr=0.25");
        Assert.Equal(6, config.Trainer.MaxEpochs);
        Assert.True(config.Trainer.Precision.IsBf16);
        Assert.Equal(0.25, ((SampleModelOptions)config.Model!).Lr);
        Assert.Equal([4, 8], ((SampleModelOptions)config.Model!).Sizes);
    }

    [Fact]
    public void UnknownKey_NamesSourceAndSuggests()
    {
        var issue = Assert.Single(Issues("--trainer.max_epoch=3"));
        Assert.Equal("Unknown key 'trainer.max_epoch' (from --trainer.max_epoch). Did you mean 'trainer.max_epochs'?", issue.ToString());
    }

    [Fact]
    public void UnknownOption_Suggests() =>
        Assert.Equal("Unknown option '--conifg'. Did you mean '--config'?", Assert.Single(Issues("--conifg=x.yaml")).ToString());

    [Theory]
    [InlineData("--trainer.max_epochs=abc", "Invalid value 'abc' for 'trainer.max_epochs' (from --trainer.max_epochs): must be a whole number.")]
    [InlineData("--trainer.max_epochs=-1",
        "Invalid value '-1' for 'trainer.max_epochs' (from --trainer.max_epochs): must be a whole number of epochs, 1 or more (or unset).")]
    [InlineData("--trainer.limit_train_batches=1.5",
        "Invalid value '1.5' for 'trainer.limit_train_batches' (from --trainer.limit_train_batches): " +
        "must be a fraction from 0.0 to 1.0 (with a decimal point) or a whole number of batches, 0 or more.")]
    [InlineData("--trainer.accelerator=tpu",
        "Invalid value 'tpu' for 'trainer.accelerator' (from --trainer.accelerator): allowed values are auto, cpu, cuda.")]
    [InlineData("--trainer.precision=16-mixed",
        "Invalid value '16-mixed' for 'trainer.precision' (from --trainer.precision): " +
        "allowed values are 32, bf16-true (there is no mixed precision in TorchSharp 0.107).")]
    [InlineData("--trainer.max_time=forever",
        "Invalid value 'forever' for 'trainer.max_time' (from --trainer.max_time): must be a duration as DD:HH:MM:SS or HH:MM:SS.")]
    [InlineData("--callbacks.early_stopping.patience=-2",
        "Invalid value '-2' for 'callbacks.early_stopping.patience' (from --callbacks.early_stopping.patience): must be 0 or more.")]
    public void BadValue_NamesKeyValueSourceAndWhatIsAllowed(string argument, string expected) =>
        Assert.Equal(expected, Assert.Single(Issues(argument)).ToString());

    [Fact]
    public void AllProblems_AreReportedAtOnce() =>
        Assert.Equal(3, Issues("--trainer.max_epochs=0", "--trainer.threads=0", "--model.nope=1").Count);

    [Fact]
    public void Null_UnsetsAnOptionalNumber_InYamlArgumentsAndEnvironment()
    {
        using var root = new TempDirectory();
        var file = root.Combine("lightning.yaml");
        File.WriteAllText(file, "trainer:\n  check_val_every_n_epoch: ~\n  val_check_interval: 20\n  max_epochs: 4\n");
        Assert.Null(Bind(ConfigSources.FromYamlFile(file)).Trainer.CheckValEveryNEpoch);
        Assert.Null(Bind(arguments: ["--trainer.check_val_every_n_epoch=null", "--trainer.val_check_interval=20"]).Trainer.CheckValEveryNEpoch);
        Assert.Null(Bind(arguments: "--trainer.max_epochs=null").Trainer.MaxEpochs);
        Assert.Null(Bind(environment: new Hashtable
        {
            ["LIGHTNING__TRAINER__CHECK_VAL_EVERY_N_EPOCH"] = "null", ["LIGHTNING__TRAINER__VAL_CHECK_INTERVAL"] = "20",
        }).Trainer.CheckValEveryNEpoch);
        Assert.Equal(1, Bind().Trainer.CheckValEveryNEpoch);
        Assert.Contains("must be a whole number", Assert.Single(Issues("--trainer.log_every_n_steps=null")).ToString());
    }

    [Fact]
    public void CheckValEveryNEpochNull_WithAFractionalInterval_IsRefusedAsLightningDoes() =>
        Assert.Contains("must be a whole number of training batches when check_val_every_n_epoch is null",
            Assert.Single(Issues("--trainer.check_val_every_n_epoch=null")).ToString());

    [Fact]
    public void EnvironmentSource_IsNamed()
    {
        var error = Assert.Throws<LightningConfigException>(
            () => Bind(environment: new Hashtable { ["LIGHTNING__TRAINER__LOG_EVERY_N_STEPS"] = "0" }));
        Assert.Contains("(from LIGHTNING__TRAINER__LOG_EVERY_N_STEPS)", error.Message);
    }

    [Fact]
    public void YamlErrors_NameFileAndLine()
    {
        using var root = new TempDirectory();
        var file = root.Combine("lightning.yaml");
        File.WriteAllText(file, "trainer:\n  max_epochs: [1\n");
        var error = Assert.Throws<LightningConfigException>(() => ConfigSources.FromYamlFile(file));
        Assert.Contains("lightning.yaml is not valid YAML at line", error.Message);
        Assert.Contains("does not exist",
            Assert.Throws<LightningConfigException>(() => ConfigSources.FromYamlFile(root.Combine("missing.yaml"))).Message);
    }

    [Fact]
    public void Params_AreFlattenedWithSlashes()
    {
        var parameters = Bind(arguments: ["--trainer.max_epochs=3"]).ToParams();
        Assert.Equal("3", parameters["trainer/max_epochs"]);
        Assert.Equal("0.001", parameters["model/lr"]);
        Assert.Equal("1", parameters["callbacks/model_checkpoint/save_top_k"]);
        // Unset values read as Lightning's MLflow logger writes them (Python's str(None)).
        Assert.Equal("None", parameters["tracking/uri"]);
    }

    [Fact]
    public void PrintConfig_RoundTripsThroughYaml()
    {
        using var root = new TempDirectory();
        var config = Bind(arguments: ["--trainer.max_epochs=4", "--trainer.limit_val_batches=0.5", "--model.sizes=2,3"]);
        var file = root.Combine("printed.yaml");
        File.WriteAllText(file, config.ToYaml());
        var again = Bind(ConfigSources.FromYamlFile(file));
        Assert.Equal(config.ToYaml(), again.ToYaml());
        Assert.Equal(4, again.Trainer.MaxEpochs);
    }

    [Theory]
    [InlineData("0.5", 0.5, null)]
    [InlineData("1.0", 1.0, null)]
    [InlineData("0", null, 0L)]
    [InlineData("7", null, 7L)]
    public void BatchLimit_ParsesFractionsAndCounts(string text, double? fraction, long? count)
    {
        var limit = BatchLimit.Parse(text, null);
        Assert.Equal(fraction, limit.Fraction);
        Assert.Equal(count, limit.Count);
        Assert.Equal(text, limit.ToString());
    }

    [Theory]
    [InlineData(0.25, 10, 2)]
    [InlineData(0.01, 10, 1)]
    [InlineData(1.0, 10, 10)]
    public void BatchLimit_FractionKeepsAtLeastOneBatch(double fraction, long available, long expected) =>
        Assert.Equal(expected, BatchLimit.OfFraction(fraction).Resolve(available));
}

public sealed record SampleModelOptions
{
    public double Lr { get; init; } = 0.001;
    public int[] Sizes { get; init; } = [16];
}
