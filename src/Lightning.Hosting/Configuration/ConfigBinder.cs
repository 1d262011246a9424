using Lightning.Core.Configuration;
using System.Reflection;

namespace Lightning.Hosting.Configuration;

/// <summary>
/// Binds merged entries to options records, section by section, then validates them. Every problem (unknown key,
/// wrong type, out of range) is collected and thrown together, so the user fixes them in one go.
/// </summary>
public sealed class ConfigBinder
{
    private readonly Dictionary<string, ConfigEntry> _entries;
    private readonly HashSet<string> _used = [];
    private readonly List<string> _knownKeys = [];
    private readonly List<ConfigIssue> _issues = [];

    /// <summary>Prepares to bind <paramref name="entries"/> (from <see cref="ConfigSources.Merge"/>).</summary>
    public ConfigBinder(Dictionary<string, ConfigEntry> entries) => _entries = entries;

    /// <summary>Binds section <paramref name="section"/> to a new <typeparamref name="T"/>.</summary>
    public T Bind<T>(string section) where T : class, new() => (T)Bind(typeof(T), section);

    /// <summary>Binds section <paramref name="section"/> to a new instance of <paramref name="type"/>.</summary>
    public object Bind(Type type, string section) => BindSection(type, section);

    /// <summary>Records that <paramref name="section"/> takes no keys (a module without options).</summary>
    public void BindNothing(string section) => _knownKeys.Add(section);

    /// <summary>Throws when any entry was not bound or any value was invalid; otherwise validates every bound section.</summary>
    /// <exception cref="LightningConfigException">The problems found.</exception>
    public void Complete(IEnumerable<(string Section, object Options)> sections)
    {
        foreach (var (key, entry) in _entries.Where(e => !_used.Contains(e.Key)).OrderBy(e => e.Value.Key, StringComparer.Ordinal))
        {
            var suggestion = KeyNames.Suggest(entry.Key, _knownKeys);
            _issues.Add(new ConfigIssue(entry.Key, null, entry.Source,
                $"Unknown key '{entry.Key}' (from {entry.Source})." + (suggestion is null
                    ? $" Known sections: trainer, model, data, tracking, callbacks; run print-config to see every key."
                    : $" Did you mean '{suggestion}'?")));
        }
        foreach (var (section, options) in sections) Validate(options, section);
        if (_issues.Count > 0) throw new LightningConfigException(_issues);
    }

    private object BindSection(Type type, string prefix)
    {
        var instance = Activator.CreateInstance(type)
                       ?? throw new InvalidOperationException(
                           $"{type.Name} needs a public parameterless constructor to be bound from configuration.");
        foreach (var property in OptionsFlattener.Properties(type))
        {
            var key = $"{prefix}.{KeyNames.ToSnakeCase(property.Name)}";
            if (OptionsFlattener.IsSection(property.PropertyType))
            {
                property.SetValue(instance, BindSection(property.PropertyType, key));
                continue;
            }
            _knownKeys.Add(key);
            var normalized = string.Join('.', key.Split('.').Select(KeyNames.Normalize));
            if (!_entries.TryGetValue(normalized, out var entry)) continue;
            _used.Add(normalized);
            if (ValueConverter.TryConvert(entry, property.PropertyType, out var value, out var allowed)) property.SetValue(instance, value);
            else _issues.Add(new ConfigIssue(key, entry.Value ?? (entry.Items is { } items ? "[" + string.Join(", ", items) + "]" : "null"),
                entry.Source, allowed));
        }
        return instance;
    }

    private void Validate(object options, string section)
    {
        var errors = new ConfigErrors(section, _issues, SourceOf);
        if (options is IValidatableOptions validatable) validatable.Validate(errors);
        AnnotationValidator.Validate(options, errors);
        foreach (var property in OptionsFlattener.Properties(options.GetType()).Where(p => OptionsFlattener.IsSection(p.PropertyType)))
            if (property.GetValue(options) is { } nested) Validate(nested, $"{section}.{KeyNames.ToSnakeCase(property.Name)}");
    }

    private string SourceOf(string key)
    {
        var normalized = string.Join('.', key.Split('.').Select(KeyNames.Normalize));
        return _entries.TryGetValue(normalized, out var entry) ? entry.Source : "defaults";
    }
}
