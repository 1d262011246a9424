using Lightning.Hosting.Configuration;

namespace Lightning.Hosting;

/// <summary>Builds a module as the app host does, from the <c>model</c> section of a saved configuration (a logged model's config.yaml).</summary>
public static class ModuleFactory
{
    /// <summary>
    /// A new <paramref name="moduleType"/> whose options record is bound from section <paramref name="section"/> of
    /// <paramref name="configYaml"/> (a missing file or section leaves the options' defaults).
    /// </summary>
    public static object Create(Type moduleType, string? configYaml, string section = "model")
    {
        var factory = new ComponentFactory(moduleType, section);
        var entries = configYaml is not null && File.Exists(configYaml)
            ? ConfigSources.Merge(ConfigSources.FromYamlFile(configYaml)
                .Where(e => e.NormalizedKey.StartsWith(section + ".", StringComparison.Ordinal)))
            : [];
        return factory.Create(factory.BindOptions(new ConfigBinder(entries)));
    }
}
