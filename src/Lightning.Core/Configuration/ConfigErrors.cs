using System.Globalization;

namespace Lightning.Core.Configuration;

/// <summary>Collects validation problems for one options section; every problem is reported at once.</summary>
public sealed class ConfigErrors
{
    private readonly List<ConfigIssue> _issues;
    private readonly string _section;
    private readonly Func<string, string> _sourceOf;

    /// <summary>Errors for code-built options: sources read "code".</summary>
    public ConfigErrors(string section) : this(section, [], _ => "code") { }

    /// <summary>
    /// Errors that go into <paramref name="issues"/>, naming each key's source as <paramref name="sourceOf"/> says
    /// (the binder's layers).
    /// </summary>
    public ConfigErrors(string section, List<ConfigIssue> issues, Func<string, string> sourceOf)
    {
        _section = section;
        _issues = issues;
        _sourceOf = sourceOf;
    }

    /// <summary>Problems so far.</summary>
    public IReadOnlyList<ConfigIssue> Issues => _issues;

    /// <summary>Errors for a nested section, e.g. <c>callbacks.model_checkpoint</c>.</summary>
    public ConfigErrors For(string subsection) => new(Join(subsection), _issues, _sourceOf);

    /// <summary>
    /// Records that <paramref name="key"/> has <paramref name="value"/>, which is not allowed;
    /// <paramref name="allowed"/> says what is.
    /// </summary>
    public void Add(string key, object? value, string allowed)
    {
        var path = Join(KeyNames.ToSnakeCase(key));
        _issues.Add(new ConfigIssue(path, Format(value), _sourceOf(path), allowed));
    }

    /// <summary>Records a problem of the section as a whole (a rule that spans several keys).</summary>
    public void AddGeneral(string message) =>
        _issues.Add(new ConfigIssue(_section, null, _sourceOf(_section), $"Section '{_section}': {message}"));

    /// <summary>Adds a problem when <paramref name="value"/> is outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public void RequireRange(string key, double value, double min, double max, string allowed)
    {
        if (value < min || value > max || double.IsNaN(value)) Add(key, value, allowed);
    }

    /// <summary>Throws <see cref="LightningConfigException"/> when any problem was recorded.</summary>
    public void ThrowIfAny()
    {
        if (_issues.Count > 0) throw new LightningConfigException(_issues);
    }

    private string Join(string key) => _section.Length == 0 ? key : $"{_section}.{key}";

    private static string? Format(object? value) => value switch
    {
        null => "null",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
