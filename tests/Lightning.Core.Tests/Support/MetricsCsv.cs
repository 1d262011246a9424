namespace Lightning.Core.Tests.Support;

/// <summary>Reads a CsvTracker's metrics.csv: one dictionary per row, keyed by column; an empty cell is "".</summary>
public static class MetricsCsv
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var columns = lines[0].Split(',');
        return [.. lines.Skip(1).Select(line => columns.Zip(line.Split(',')).ToDictionary(c => c.First, c => c.Second))];
    }
}
