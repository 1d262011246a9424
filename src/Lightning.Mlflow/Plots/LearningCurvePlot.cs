namespace Lightning.Mlflow.Plots;

/// <summary>
/// Draws <c>plots/learning_curves.png</c> with ScottPlot: losses against the left axis, other metrics against the right,
/// epoch values as lines over faint step values, the legend beside the plot rather than over the curves.
/// </summary>
public static class LearningCurvePlot
{
    /// <summary>
    /// Whether a metric belongs on the plot: losses and training or validation metrics, not bookkeeping (epoch, lr,
    /// throughput) nor the LR finder's curve, which has a plot of its own.
    /// </summary>
    public static bool Plots(string key) =>
        !key.StartsWith(LrFindPlot.MetricPrefix, StringComparison.Ordinal)
        && (key.Contains("loss", StringComparison.OrdinalIgnoreCase)
            || key.StartsWith("val_", StringComparison.Ordinal) || key.StartsWith("val/", StringComparison.Ordinal)
            || key.StartsWith("train_", StringComparison.Ordinal) || key.StartsWith("train/", StringComparison.Ordinal));

    /// <summary>Renders the series to <paramref name="path"/>; returns false when there is nothing to draw.</summary>
    public static bool Render(IReadOnlyDictionary<string, List<(long Step, double Value)>> series, string path)
    {
        if (Build(series) is not { } plot) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        plot.SavePng(path, 1000, 500);
        return true;
    }

    /// <summary>Builds the plot without drawing it; null when no series has a finite value.</summary>
    public static ScottPlot.Plot? Build(IReadOnlyDictionary<string, List<(long Step, double Value)>> series)
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
        var layout = LearningCurveLayout.For(finite.Where(s => s.Value.Steps.Length > 0).Select(s => s.Key));
        if (layout.Series.Count == 0) return null;
        var plot = new ScottPlot.Plot();
        Fill(plot, layout, finite);
        return plot;
    }

    private static void Fill(ScottPlot.Plot plot, LearningCurveLayout layout, Dictionary<string, (double[] Steps, double[] Values)> data)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var series in layout.Series)
        {
            var (steps, values) = data[series.Name];
            var line = plot.Add.Scatter(steps, values, palette.GetColor(index++));
            line.LegendText = series.Name;
            line.MarkerSize = series.Faint || steps.Length > 50 ? 0 : 4;
            line.LineWidth = series.Faint ? 1 : 2;
            if (series.Faint) line.Color = line.Color.WithAlpha(0.3);
            if (series.Axis == CurveAxis.Metric) line.Axes.YAxis = plot.Axes.Right;
        }
        plot.Title("Learning curves");
        plot.XLabel("step");
        plot.Axes.Left.Label.Text = "loss";
        if (layout.HasMetricAxis) plot.Axes.Right.Label.Text = "metric";
        plot.ShowLegend(ScottPlot.Edge.Right);
    }
}
