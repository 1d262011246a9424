using System.Globalization;
using Lightning.Core.Data;

namespace ProjectIdentifier;

/// <summary>
/// Reads a CSV of numbers (a header row, then feature columns and the target last). Every problem names the file, the
/// line and the column, so a wrong file is fixed in one look instead of a stack trace.
/// </summary>
public static class CsvTable
{
    /// <summary>One data row and the line of the file it came from.</summary>
    public sealed record Row(int Line, float[] Values);

    /// <summary>The data rows of <paramref name="path"/>, each with the header's number of columns.</summary>
    /// <exception cref="DataException">The file is empty, not comma-separated, ragged, or holds a cell that is not a number.</exception>
    public static List<Row> Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine();
        if (header is null || header.Trim().Length == 0)
            throw new DataException($"{path} is empty; expected a header row, then rows of comma-separated numbers (the features, then the target).");
        var columns = header.Split(',').Length;
        if (columns == 1)
            throw new DataException($"{path} line 1 has a single column; the separator must be ','" +
                                    (header.Contains(';') ? " (this file uses ';')." : header.Contains('\t') ? " (this file uses tabs)." : "."));
        var rows = new List<Row>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Trim().Length == 0) continue;
            var cells = text.Split(',');
            if (cells.Length != columns)
                throw new DataException($"{path} line {line} has {cells.Length} columns; the header has {columns}.");
            var row = new float[columns];
            for (var column = 0; column < columns; column++)
            {
                if (!float.TryParse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out row[column]) || !float.IsFinite(row[column]))
                    throw new DataException($"{path} line {line}, column {column + 1} ('{cells[column].Trim()}'): not a finite number. " +
                        "Cells are numbers with '.' as the decimal point.");
            }
            rows.Add(new Row(line, row));
        }
        if (rows.Count == 0) throw new DataException($"{path} has a header but no data rows.");
        return rows;
    }
}
