using System.Globalization;
using System.Text;

namespace ProjectIdentifier;

/// <summary>Writes the sample data set: features from a fixed seed, targets from a fixed rule with some noise.</summary>
public static class SampleData
{
    public static void Write(string path, int rows)
    {
        var random = new Random(1234);
        var weights = Enumerable.Range(0, ProjectIdentifierDataModule.Features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(",", Enumerable.Range(0, ProjectIdentifierDataModule.Features).Select(i => $"x{i}")) + ",target");
        for (var row = 0; row < rows; row++)
        {
            var x = Enumerable.Range(0, ProjectIdentifierDataModule.Features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var score = x.Zip(weights, (a, b) => a * b).Sum() + (random.NextDouble() - 0.5) * 0.1;
#if (task == classification)
            var target = score < -0.3 ? 0 : score < 0.3 ? 1 : 2;
#else
            var target = score;
#endif
            csv.AppendLine(string.Join(",", x.Select(v => v.ToString("0.#####", CultureInfo.InvariantCulture)))
                + "," + target.ToString(CultureInfo.InvariantCulture));
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Written aside and renamed into place: sweep trials starting together may all generate it, and none may
        // read a half-written file.
        var partial = $"{path}.{Environment.ProcessId}.partial";
        File.WriteAllText(partial, csv.ToString());
        File.Move(partial, path, overwrite: true);
    }
}
