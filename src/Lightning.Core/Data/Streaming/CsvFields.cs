using System.Globalization;

namespace Lightning.Core.Data.Streaming;

/// <summary>Parses a comma-separated line of numbers, for a <see cref="StreamingLineLoader{TItem,TBatch}"/>'s parse step.</summary>
public static class CsvFields
{
    /// <summary>The line's fields as floats (invariant culture).</summary>
    /// <exception cref="FormatException">A field is not a number; the message names its column.</exception>
    public static float[] Floats(LineRecord record)
    {
        var text = record.Text.AsSpan();
        var values = new float[text.Count(',') + 1];
        var column = 0;
        foreach (var range in text.Split(','))
        {
            var field = text[range].Trim();
            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out values[column]))
                throw new FormatException($"column {column + 1}: '{field}' is not a number.");
            column++;
        }
        return values;
    }
}
