using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lightning.Mlflow.Models;

/// <summary>
/// YAML as PyYAML's <c>safe_dump</c> writes MLflow's files (MLmodel, the registry's meta.yaml): keys sorted, block
/// style, strings plain unless they would read back as something else (a number, a bool, null, a timestamp) or hold
/// YAML syntax, then single-quoted. Long strings stay on one line, which every YAML reader accepts.
/// </summary>
public static partial class PythonYaml
{
    /// <summary>The YAML text of <paramref name="map"/>.</summary>
    public static string Write(JsonObject map)
    {
        var builder = new StringBuilder();
        Append(builder, map, 0);
        return builder.ToString();
    }

    /// <summary>One scalar as PyYAML writes it.</summary>
    public static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => String(value.GetValue<string>()),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>() ? "true" : "false",
        JsonArray { Count: 0 } => "[]",
        JsonObject { Count: 0 } => "{}",
        _ => node.ToJsonString(),
    };

    private static void Append(StringBuilder builder, JsonObject map, int indent)
    {
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.Append(' ', indent).Append(String(key)).Append(':');
            if (value is JsonObject { Count: > 0 } child)
            {
                builder.Append('\n');
                Append(builder, child, indent + 2);
            }
            else if (value is JsonArray { Count: > 0 } list)
            {
                builder.Append('\n');
                foreach (var item in list) builder.Append(' ', indent).Append("- ").Append(Scalar(item)).Append('\n');
            }
            else builder.Append(' ').Append(Scalar(value)).Append('\n');
        }
    }

    private static string String(string text) =>
        NeedsQuotes(text) ? "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'" : text;

    private static bool NeedsQuotes(string text) =>
        text.Length == 0 || text != text.Trim() || text.Contains('\n') || "-?:,[]{}#&*!|>'\"%@`".Contains(text[0])
        || text.Contains(": ", StringComparison.Ordinal) || text.Contains(" #", StringComparison.Ordinal) || text.EndsWith(':')
        || Implicit().IsMatch(text);

    // What PyYAML's resolver would read as a bool, null, int, float or timestamp (YAML 1.1).
    [GeneratedRegex(@"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL" +
        @"|[-+]?(?:0|[1-9][0-9_]*)|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+" +
        @"|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)" +
        @"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?.*)?)$")]
    private static partial Regex Implicit();
}
