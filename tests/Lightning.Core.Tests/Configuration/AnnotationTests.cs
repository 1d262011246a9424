using System.Collections;
using System.ComponentModel.DataAnnotations;
using Lightning.Core.Configuration;
using Lightning.Hosting.Configuration;
using Lightning.Hosting;
using Lightning.Core.Training;

namespace Lightning.Core.Tests.Configuration;

/// <summary>DataAnnotations on a user's options record are checked like the trainer's own options.</summary>
public sealed class AnnotationTests
{
    private static IReadOnlyList<ConfigIssue> Issues(params string[] arguments)
    {
        var entries = ConfigSources.Merge(ConfigSources.FromEnvironment(new Hashtable()), ConfigSources.FromArguments(arguments, ["--config"]));
        var binder = new ConfigBinder(entries);
        var config = new AppConfig(binder.Bind<TrainerOptions>("trainer"), binder.Bind(typeof(AnnotatedOptions), "model"), null,
            binder.Bind<TrackingOptions>("tracking"), binder.Bind<CallbacksOptions>("callbacks"));
        binder.BindNothing("data");
        var error = Assert.Throws<LightningConfigException>(() => binder.Complete(config.Sections()));
        return error.Issues;
    }

    [Fact]
    public void Range_NamesKeyValueSourceAndBounds()
    {
        var issue = Assert.Single(Issues("--model.dropout=1.5"));
        Assert.Equal("model.dropout", issue.Key);
        Assert.Equal("1.5", issue.Value);
        Assert.Equal("--model.dropout", issue.Source);
        Assert.Equal("Invalid value '1.5' for 'model.dropout' (from --model.dropout): must be at least 0 and less than 1.", issue.ToString());
    }

    [Fact]
    public void ExclusiveMinimum_IsSaidAsGreaterThan()
    {
        var issue = Assert.Single(Issues("--model.lr=-0.01"));
        Assert.Equal("must be greater than 0 and at most 10.", issue.Message);
    }

    [Fact]
    public void EveryViolation_IsReportedAtOnce_WithCustomMessagesAndValidatableObject()
    {
        var issues = Issues("--model.dropout=2", "--model.name=", "--model.hidden_size=0", "--model.layers=3");
        Assert.Equal(["model.dropout", "model.hidden_size", "model.layers", "model.name"], issues.Select(i => i.Key).Order());
        Assert.Contains(issues, i => i is { Key: "model.hidden_size", Message: "HiddenSize must be a positive number of units." });
        Assert.Contains(issues, i => i is { Key: "model.name", Message: "a value is required." });
        Assert.Contains(issues,
            i => i is { Key: "model.layers", Value: "3", Message: "must not exceed hidden_size (0) when layers shrink by half." });
    }

    [Fact]
    public void ValidValues_Pass()
    {
        var entries = ConfigSources.Merge(ConfigSources.FromArguments(["--model.dropout=0", "--model.lr=10"], ["--config"]));
        var binder = new ConfigBinder(entries);
        var options = (AnnotatedOptions)binder.Bind(typeof(AnnotatedOptions), "model");
        binder.Complete([("model", options)]);
        Assert.Equal(10, options.Lr);
    }
}

public sealed record AnnotatedOptions : IValidatableObject
{
    [Range(0.0, 10.0, MinimumIsExclusive = true)]
    public double Lr { get; init; } = 0.01;

    [Range(0.0, 1.0, MaximumIsExclusive = true)]
    public double Dropout { get; init; } = 0.1;

    [Range(1, 1000, ErrorMessage = "{0} must be a positive number of units.")]
    public int HiddenSize { get; init; } = 64;

    [Required]
    public string? Name { get; init; } = "net";

    public int Layers { get; init; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Layers > 2)
            yield return new ValidationResult($"must not exceed hidden_size ({HiddenSize}) when layers shrink by half.", [nameof(Layers)]);
    }
}

/// <summary>A YAML mistake is reported where it is, not where the enclosing mapping began.</summary>
public sealed class YamlPositionTests
{
    [Fact]
    public void ATabDeepInTheFile_IsReportedAtItsLine()
    {
        using var root = new Lightning.TestSupport.TempDirectory();
        var file = root.Combine("lightning.yaml");
        File.WriteAllText(file, "trainer:\n  max_epochs: 3\n  seed: 1\nmodel:\n\tlr: 0.1\n");
        var issue = Assert.Single(Assert.Throws<LightningConfigException>(() => ConfigSources.FromYamlFile(file)).Issues);
        Assert.Equal("lightning.yaml is not valid YAML at line 5: it is indented with a tab; YAML indents with spaces.", issue.Message);
    }

    [Fact]
    public void AListLeftOpen_IsAConfigErrorAtItsLine_NotTheParsersInvalidOperation()
    {
        using var root = new Lightning.TestSupport.TempDirectory();
        var file = root.Combine("lightning.yaml");
        // YamlDotNet's scanner throws InvalidOperationException, with no position, when more keys follow the open list.
        File.WriteAllText(file, "data:\n  path: data/train.csv\n  batch_size: [32\ntracking:\n  experiment: x\n");
        var issue = Assert.Single(Assert.Throws<LightningConfigException>(() => ConfigSources.FromYamlFile(file)).Issues);
        Assert.Equal("lightning.yaml is not valid YAML at line 3: a '[' list or '{' mapping is not closed; " +
                     "close it or write the value without brackets.", issue.Message);
    }
}
