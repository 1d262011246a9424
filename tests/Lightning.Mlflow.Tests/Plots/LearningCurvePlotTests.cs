using Lightning.Mlflow.Plots;
using Lightning.TestSupport;
using ScottPlot.Plottables;

namespace Lightning.Mlflow.Tests.Plots;

/// <summary>plots/learning_curves.png: losses and other metrics on separate axes, step values faint under epoch lines.</summary>
public sealed class LearningCurvePlotTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    private static Dictionary<string, List<(long Step, double Value)>> Curves() => new()
    {
        ["train_loss_step"] = [(3, 0.09), (7, 0.06), (11, 0.05)],
        ["train_loss_epoch"] = [(7, 0.07), (15, 0.05)],
        ["val_loss"] = [(7, 0.08), (15, 0.06)],
        ["val_acc"] = [(7, 0.93), (15, 0.95)],
        ["val_mae"] = [(7, double.NaN), (15, 0.4)],
    };

    [Fact]
    public void Layout_PutsLossesLeft_OtherMetricsRight_StepValuesFaintAndFirst()
    {
        var layout = LearningCurveLayout.For(Curves().Keys);

        Assert.Equal(CurveAxis.Loss, Find(layout, "train_loss_epoch").Axis);
        Assert.Equal(CurveAxis.Loss, Find(layout, "val_loss").Axis);
        Assert.Equal(CurveAxis.Metric, Find(layout, "val_acc").Axis);
        Assert.Equal(CurveAxis.Metric, Find(layout, "val_mae").Axis);
        Assert.True(Find(layout, "train_loss_step").Faint);
        Assert.False(Find(layout, "train_loss_epoch").Faint);
        // Faint series are drawn first, so the epoch lines lie on top of them.
        Assert.Equal("train_loss_step", layout.Series[0].Name);
        Assert.True(layout.HasMetricAxis);
        Assert.False(LearningCurveLayout.For(["train_loss", "val_loss"]).HasMetricAxis);
    }

    [Fact]
    public void Plot_DrawsMetricsAgainstTheRightAxis_AndTheLegendOutsideTheData()
    {
        var plot = LearningCurvePlot.Build(Curves())!;
        var lines = plot.GetPlottables().OfType<Scatter>().ToDictionary(s => s.LegendText);

        Assert.Same(plot.Axes.Right, lines["val_acc"].Axes.YAxis);
        Assert.NotSame(plot.Axes.Right, lines["val_loss"].Axes.YAxis);
        Assert.NotSame(plot.Axes.Right, lines["train_loss_step"].Axes.YAxis);
        Assert.True(lines["train_loss_step"].Color.Alpha < lines["train_loss_epoch"].Color.Alpha);
        Assert.Equal("metric", plot.Axes.Right.Label.Text);
        // The legend sits in a panel right of the data area, not over the curves.
        Assert.False(plot.Legend.IsVisible);
        Assert.Contains(plot.Axes.GetPanels(), p => p.GetType().Name == "LegendPanel" && p.Edge == ScottPlot.Edge.Right);
    }

    [Fact]
    public void Render_WritesAPng_AndNothingWithoutFiniteValues()
    {
        var path = _work.Combine("plots", "learning_curves.png");
        Assert.True(LearningCurvePlot.Render(Curves(), path));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path)[..4]);
        Assert.False(LearningCurvePlot.Render(new Dictionary<string, List<(long, double)>> { ["val_loss"] = [(1, double.NaN)] },
            _work.Combine("none.png")));
    }

    [Fact]
    public void TheLrFindersCurve_StaysOffTheLearningCurves()
    {
        Assert.False(LearningCurvePlot.Plots("lr_find/loss"));
        Assert.True(LearningCurvePlot.Plots("train_acc_epoch"));
        Assert.True(LearningCurvePlot.Plots("val_loss"));
        Assert.False(LearningCurvePlot.Plots("epoch"));
    }

    private static CurveSeries Find(LearningCurveLayout layout, string name) => Assert.Single(layout.Series, s => s.Name == name);
}
