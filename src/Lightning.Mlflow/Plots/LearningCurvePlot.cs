namespace Lightning.Mlflow.Plots;

/// <summary>Draws <c>plots/learning_curves.png</c>: train and validation losses and the validation metrics over steps, with ScottPlot.</summary>
public static class LearningCurvePlot
{
    /// <summary>Whether a metric belongs on the plot: losses and validation metrics, not bookkeeping (epoch, lr, throughput).</summary>
    public static bool Plots(string key) =>
        key.Contains("loss", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("val_", StringComparison.Ordinal)
        || key.StartsWith("val/", StringComparison.Ordinal);

    /// <summary>Renders the series to <paramref name="path"/>; returns false when there is nothing to draw.</summary>
    public static bool Render(IReadOnlyDictionary<string, List<(long Step, double Value)>> series, string path)
    {
        Dictionary<string, (double[] Steps, double[] Values)> finite;
        lock (series)
        {
            finite = series.ToDictionary(s => s.Key, s =>
            {
                var points = s.Value.Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Step).ToArray();
                return (points.Select(p => (double)p.Step).ToArray(), points.Select(p => p.Value).ToArray());
            });
        }
        var drawn = finite.Where(s => s.Value.Steps.Length > 0).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        if (drawn.Count == 0) return false;
        var plot = new ScottPlot.Plot();
        Fill(plot, drawn, "Learning curves");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        plot.SavePng(path, 900, 500);
        return true;
    }

    private static void Fill(ScottPlot.Plot plot, List<KeyValuePair<string, (double[] Steps, double[] Values)>> series, string title)
    {
        foreach (var (name, (steps, values)) in series)
        {
            var line = plot.Add.Scatter(steps, values);
            line.LegendText = name;
            line.MarkerSize = steps.Length > 50 ? 0 : 4;
        }
        plot.Title(title);
        plot.XLabel("step");
        plot.ShowLegend();
    }
}
