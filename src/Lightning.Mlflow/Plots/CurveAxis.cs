namespace Lightning.Mlflow.Plots;

/// <summary>Which y-axis of the learning-curve plot a series is drawn against.</summary>
public enum CurveAxis
{
    /// <summary>The left axis: losses.</summary>
    Loss,
    /// <summary>The right axis: every other metric (accuracy, MAE …), so a 0.95 accuracy does not flatten a 0.05 loss.</summary>
    Metric,
}
