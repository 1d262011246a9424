using System.Globalization;

namespace Lightning.Benchmarks;

/// <summary>Writes figures as <c>BENCH name=value</c> lines, the format the team's tooling reads.</summary>
public sealed class BenchReport(TextWriter output)
{
    public void Figure(string name, double value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BENCH {name}={value:G6}"));

    public void Note(string text) => output.WriteLine("# " + text);

    /// <summary>
    /// Collects the garbage of what ran before (tensors whose finalizers free native memory), so the next timed run
    /// does not pay for it: with two loops taking turns, each would otherwise pay for the other's.
    /// </summary>
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
