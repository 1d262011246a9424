using Lightning.Core.Tuning;

namespace Lightning.Mlflow.Plots;

/// <summary>Draws <c>plots/lr_find.png</c>: the smoothed loss against the learning rate on a log axis, the suggestion marked.</summary>
public static class LrFindPlot
{
    /// <summary>The prefix of the LR finder's metrics (<c>lr_find/lr</c>, <c>lr_find/loss</c>), which the learning-curve plot leaves out.</summary>
    public const string MetricPrefix = "lr_find/";

    /// <summary>Builds the plot without drawing it; an exponential sweep's x values are log10 of the rates.</summary>
    public static ScottPlot.Plot Build(LrFindResult result, LrFindMode mode)
    {
        var logScale = mode == LrFindMode.Exponential;
        double X(double lr) => logScale ? Math.Log10(lr) : lr;
        var finite = result.LearningRates.Zip(result.Losses).Where(p => double.IsFinite(p.Second)).ToArray();
        var plot = new ScottPlot.Plot();
        var curve = plot.Add.Scatter(finite.Select(p => X(p.First)).ToArray(), finite.Select(p => p.Second).ToArray());
        curve.MarkerSize = 0;
        curve.LegendText = "smoothed loss";
        if (result.SuggestionIndex is { } index && double.IsFinite(result.Losses[index]))
        {
            var mark = plot.Add.Marker(X(result.LearningRates[index]), result.Losses[index], ScottPlot.MarkerShape.FilledCircle, 12,
                ScottPlot.Colors.Red);
            mark.LegendText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"suggestion {result.Suggestion:G3}");
        }
        if (logScale)
        {
            // ScottPlot has no log axis: the data are log10 values, ticks fall on whole decades and are labelled as rates.
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"1e{v:0}"),
            };
        }
        plot.Title("LR finder");
        plot.XLabel(logScale ? "learning rate (log scale)" : "learning rate");
        plot.YLabel("loss (smoothed)");
        plot.ShowLegend(ScottPlot.Edge.Right);
        return plot;
    }

    /// <summary>Renders the curve to <paramref name="path"/>; false when no finite point is left to draw.</summary>
    public static bool Render(LrFindResult result, LrFindMode mode, string path)
    {
        if (!result.Losses.Any(double.IsFinite)) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Build(result, mode).SavePng(path, 900, 500);
        return true;
    }
}
