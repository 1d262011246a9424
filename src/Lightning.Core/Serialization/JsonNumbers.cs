using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lightning.Core.Serialization;

/// <summary>
/// Doubles in JSON documents (checkpoint state, events). JSON has no NaN or infinities, yet a metric may be either;
/// they are written as the strings "NaN", "Infinity" and "-Infinity", as MLflow's REST API does, and read back.
/// </summary>
public static class JsonNumbers
{
    /// <summary>A JSON number, or the string spelling of NaN and the infinities; null stays null.</summary>
    public static JsonNode? From(double? value) => value switch
    {
        null => null,
        { } v when double.IsFinite(v) => JsonValue.Create(v),
        { } v => JsonValue.Create(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity"),
    };

    /// <summary>Reads what <see cref="From"/> wrote.</summary>
    public static double? Read(JsonNode? node)
    {
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number) return node.GetValue<double>();
        return node.GetValue<string>() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var other => throw new FormatException($"'{other}' is not a number."),
        };
    }
}
