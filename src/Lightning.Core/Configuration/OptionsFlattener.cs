using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Lightning.Core.Configuration;

/// <summary>Turns options records into flat key/value pairs: nested records join with '/', names in snake_case.</summary>
public static class OptionsFlattener
{
    /// <summary>The public properties of <paramref name="options"/> (recursively), or the entries of a dictionary.</summary>
    public static Dictionary<string, object?> ToDictionary(object options, string prefix = "")
    {
        var result = new Dictionary<string, object?>();
        if (options is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary) Add(result, prefix + entry.Key, entry.Value);
            return result;
        }
        foreach (var property in Properties(options.GetType()))
            Add(result, prefix + KeyNames.ToSnakeCase(property.Name), property.GetValue(options));
        return result;
    }

    /// <summary>The value as text: invariant culture, lower-case booleans, lists joined with commas.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s,
        Enum e => KeyNames.ToSnakeCase(e.ToString()),
        TimeSpan t => t.ToString(@"d\:hh\:mm\:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Format)),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// The value as a tracking param: as <see cref="Format"/>, but an unset value reads <c>None</c>, as Python's str(None)
    /// in every run Lightning's MLflow logger records, so filters written for those runs work on these.
    /// </summary>
    public static string FormatParam(object? value) => value is null ? "None" : Format(value);

    /// <summary>A JSON object of the formatted values.</summary>
    public static JsonObject ToJson(IReadOnlyDictionary<string, object?> values) =>
        new(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)JsonValue.Create(Format(v.Value)))));

    /// <summary>Whether a type is bound as a nested section rather than a single value.</summary>
    public static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) &&
        type.GetConstructor(Type.EmptyTypes) is not null;

    /// <summary>The bindable properties of an options type: public, readable and settable (init counts).</summary>
    public static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.SetMethod is { IsPublic: true });

    private static void Add(Dictionary<string, object?> result, string key, object? value)
    {
        if (value is not null && IsSection(value.GetType()))
            foreach (var (k, v) in ToDictionary(value, key + "/")) result[k] = v;
        else result[key] = value;
    }
}
