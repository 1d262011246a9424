using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Pruners;
using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Tests;

public sealed class SweepConfigTests
{
    [Fact]
    public void ProblemsInAFileGivenWithConfig_NameThatFile()
    {
        using var folder = new Lightning.TestSupport.TempDirectory();
        File.WriteAllText(folder.Combine("other.yaml"), "method: bayes\nmetric: {name: val_loss}\nparameters:\n  model.lr: {values: [0.1]}\n");
        var problem = Assert.Throws<SweepConfigException>(() => SweepConfigReader.Read(folder.Combine("other.yaml")));
        Assert.StartsWith("other.yaml: method 'bayes' is not supported", Assert.Single(problem.Problems));
    }

    [Fact]
    public void AListLeftOpen_IsOneSentence_NotTheParsersInvalidOperation()
    {
        var problem = Assert.Throws<SweepConfigException>(() =>
            SweepConfigReader.Parse("method: grid\nparameters:\n  model.lr:\n    values: [0.1, 0.01\nmetric:\n  name: val_loss\n"));
        Assert.Equal("sweep.yaml is not valid YAML: a '[' list or '{' mapping is not closed (values: [a, b]).", Assert.Single(problem.Problems));
    }

    [Fact]
    public void TemplateSweep_Parses()
    {
        var config = SweepConfigReader.Parse("""
            method: tpe
            metric:
              name: val_loss
              goal: minimize
            run_cap: 12
            parameters:
              model.lr:
                distribution: log_uniform_values
                min: 0.0001
                max: 0.1
              model.hidden_size:
                values: [32, 64, 128]
              data.batch_size:
                values: [16, 32, 64]
              model.dropout:
                distribution: q_uniform
                min: 0
                max: 0.5
                q: 0.1
              trainer.max_epochs:
                value: 9
              model.layers:
                min: 1
                max: 4
            early_terminate:
              type: asha
              min_iter: 1
              eta: 3
            """);
        Assert.Equal("tpe", config.Method);
        Assert.Equal("val_loss", config.Metric);
        Assert.Equal(Goal.Minimize, config.Goal);
        Assert.Equal(12, config.RunCap);
        Assert.Equal(new Numeric("model.lr", 0.0001, 0.1, Log: true), config.Parameters[0]);
        Assert.Equal([32L, 64L, 128L], ((Categorical)config.Parameters[1]).Choices);
        Assert.Equal(0.1, ((Numeric)config.Parameters[3]).Step);
        Assert.Equal(9L, ((Constant)config.Parameters[4]).Value);
        Assert.True(((Numeric)config.Parameters[5]).IsInteger);
        Assert.IsType<AshaPruner>(config.CreatePruner());
        Assert.IsType<TpeSampler>(config.CreateSampler());
    }

    [Theory]
    [InlineData("method: bayes\nmetric: {name: val_loss}\nrun_cap: 3\nparameters: {model.lr: {values: [1]}}",
        "method 'bayes' is not supported; allowed: grid, random, tpe")]
    [InlineData("method: random\nparameters: {model.lr: {values: [1]}}\nrun_cap: 3", "metric.name is required")]
    [InlineData("method: random\nmetric: {name: val_loss, goal: lowest}\nrun_cap: 3\nparameters: {model.lr: {values: [1]}}",
        "metric.goal 'lowest' is not allowed")]
    [InlineData("method: grid\nmetric: {name: val_loss}\nparameters: {model.lr: {min: 0.1, max: 0.5}}",
        "parameters.model.lr is a range, which grid search cannot enumerate")]
    [InlineData("method: random\nmetric: {name: val_loss}\nparameters: {model.lr: {values: [1]}}", "run_cap is required for method random")]
    [InlineData("method: random\nmetric: {name: val_loss}\nrun_cap: 3\nparameters: {model.lr: {distribution: log_uniform_values, min: 0, max: 1}}",
        "log_uniform_values needs min > 0")]
    [InlineData("method: random\nmetric: {name: val_loss}\nrun_cap: 3\nparameters: {model.lr: {distribution: normal, min: 0, max: 1}}",
        "distribution 'normal' is not supported")]
    [InlineData("method: random\nmetric: {name: val_loss}\nrun_cap: 3\nparameters: {lr: {values: [1]}}",
        "parameters.lr: a parameter is a config key with its section")]
    [InlineData("method: random\nmetric: {name: val_loss}\nrun_cap: 0\nparameters: {model.lr: {values: [1]}}",
        "run_cap '0' must be a whole number, 1 or more")]
    [InlineData("method: random\nmetric: {name: val_loss}\nrun_cap: 3\nparameters: {model.lr: {values: [1]}}\nearly_terminate: {type: patience}",
        "early_terminate.type must be asha")]
    [InlineData("method: random\nmetric: {name: val_loss}\nrun_cap: 3\nparamters: {model.lr: {values: [1]}}", "unknown key 'paramters'")]
    public void BadConfig_NamesTheKeyAndWhatIsAllowed(string yaml, string expected)
    {
        var error = Assert.Throws<SweepConfigException>(() => SweepConfigReader.Parse(yaml));
        Assert.Contains(error.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void HyperbandStoppingRule_IsAsha()
    {
        var config = SweepConfigReader.Parse(
            "method: grid\nmetric: {name: val_acc, goal: maximize}\nparameters: {model.lr: {values: [0.1, 0.01]}}\n" +
            "early_terminate: {type: hyperband, min_iter: 2, eta: 2}");
        Assert.Equal(new EarlyTerminate("asha", 2, 2), config.EarlyTerminate);
        Assert.Equal(Goal.Maximize, config.Goal);
        Assert.IsType<GridSampler>(config.CreateSampler());
    }
}
