using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lightning.Mlflow.Models;

/// <summary>
/// JSON as Python's <c>json.dumps</c> writes it (", " and ": " separators, non-ASCII escaped), the form MLflow stores
/// in <c>mlflow.log-model.history</c> and in signatures, so our files read exactly like theirs.
/// </summary>
public static class PythonJson
{
    /// <summary>The text of <paramref name="node"/>.</summary>
    public static string Write(JsonNode? node)
    {
        var builder = new StringBuilder();
        Append(builder, node);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject map:
                builder.Append('{');
                var first = true;
                foreach (var (key, value) in map)
                {
                    if (!first) builder.Append(", ");
                    first = false;
                    String(builder, key);
                    builder.Append(": ");
                    Append(builder, value);
                }
                builder.Append('}');
                break;
            case JsonArray list:
                builder.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) builder.Append(", ");
                    Append(builder, list[i]);
                }
                builder.Append(']');
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                String(builder, value.GetValue<string>());
                break;
            case JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                builder.Append(value.GetValue<bool>() ? "true" : "false");
                break;
            default:
                builder.Append(node.ToJsonString());
                break;
        }
    }

    private static void String(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7e) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        builder.Append('"');
    }
}
