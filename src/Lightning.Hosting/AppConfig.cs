using Lightning.Core.Configuration;
using Lightning.Core.Training;

namespace Lightning.Hosting;

/// <summary>The resolved configuration of an app: every section, defaults included.</summary>
/// <param name="Trainer">Section <c>trainer</c>.</param>
/// <param name="Model">Section <c>model</c>: the module's options record, or null when its constructor takes none.</param>
/// <param name="Data">Section <c>data</c>: the data module's options record, or null.</param>
/// <param name="Tracking">Section <c>tracking</c>.</param>
/// <param name="Callbacks">Section <c>callbacks</c>.</param>
public sealed record AppConfig(TrainerOptions Trainer, object? Model, object? Data, TrackingOptions Tracking, CallbacksOptions Callbacks)
{
    /// <summary>The sections by name.</summary>
    public IEnumerable<(string Name, object Options)> Sections()
    {
        yield return ("trainer", Trainer);
        if (Model is not null) yield return ("model", Model);
        if (Data is not null) yield return ("data", Data);
        yield return ("tracking", Tracking);
        yield return ("callbacks", Callbacks);
    }

    /// <summary>Every key flattened with '/' (<c>model/lr</c>), as tracking params.</summary>
    public Dictionary<string, string> ToParams() => Sections()
        .SelectMany(s => OptionsFlattener.ToDictionary(s.Options, s.Name + "/"))
        .ToDictionary(p => p.Key, p => OptionsFlattener.FormatParam(p.Value));

    /// <summary>The configuration as YAML, as <c>print-config</c> shows it and <c>config.yaml</c> stores it.</summary>
    public string ToYaml()
    {
        var tree = Sections().ToDictionary(s => s.Name, s => (object)Tree(s.Options));
        return new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(tree);
    }

    private static Dictionary<string, object?> Tree(object options) =>
        OptionsFlattener.Properties(options.GetType()).ToDictionary(
            p => KeyNames.ToSnakeCase(p.Name),
            p => p.GetValue(options) is { } value && OptionsFlattener.IsSection(value.GetType())
                ? Tree(value)
                : (object?)ScalarOrNull(p.GetValue(options)));

    private static string? ScalarOrNull(object? value) => value is null ? null : OptionsFlattener.Format(value);
}
