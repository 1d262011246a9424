using Lightning.Core.Tuning;
using Lightning.Mlflow.Plots;
using Lightning.TestSupport;
using ScottPlot.Plottables;

namespace Lightning.Mlflow.Tests.Plots;

/// <summary>plots/lr_find.png: the loss against a log learning-rate axis, the suggestion marked.</summary>
public sealed class LrFindPlotTests : IDisposable
{
    private static readonly LrFindResult Curve = new([1e-6, 1e-5, 1e-4, 1e-3, 1e-2], [2.0, 1.9, 1.2, 0.8, double.NaN], 1e-4, 2, true);
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public void ExponentialSweep_HasALogAxis_AndMarksTheSuggestion()
    {
        var plot = LrFindPlot.Build(Curve, LrFindMode.Exponential);

        var line = Assert.Single(plot.GetPlottables().OfType<Scatter>());
        Assert.Equal([-6.0, -5, -4, -3], line.Data.GetScatterPoints().Select(p => Math.Round(p.X, 9)));
        var ticks = Assert.IsType<ScottPlot.TickGenerators.NumericAutomatic>(plot.Axes.Bottom.TickGenerator);
        Assert.IsType<ScottPlot.TickGenerators.LogMinorTickGenerator>(ticks.MinorTickGenerator);
        Assert.Equal("1e-4", ticks.LabelFormatter(-4));
        var mark = Assert.Single(plot.GetPlottables().OfType<Marker>());
        Assert.Equal(-4, mark.Location.X, 9);
        Assert.Equal(1.2, mark.Location.Y, 9);
        Assert.Contains("0.0001", mark.LegendText);
    }

    [Fact]
    public void Render_WritesAPng()
    {
        var path = _work.Combine("plots", "lr_find.png");
        Assert.True(LrFindPlot.Render(Curve, LrFindMode.Exponential, path));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path)[..4]);
    }
}
