namespace Lightning.Mlflow.Plots;

/// <summary>One line of the learning-curve plot.</summary>
/// <param name="Name">The metric key.</param>
/// <param name="Axis">The y-axis it is drawn against.</param>
/// <param name="Faint">Whether it is a per-step series, drawn thin and pale under the epoch lines.</param>
public sealed record CurveSeries(string Name, CurveAxis Axis, bool Faint);
