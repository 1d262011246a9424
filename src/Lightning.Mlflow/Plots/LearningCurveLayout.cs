namespace Lightning.Mlflow.Plots;

/// <summary>How the learning-curve plot places each metric, decided before anything is drawn (and testable without pixels).</summary>
/// <param name="Series">The lines in drawing order: faint step series first, so the epoch lines lie on top.</param>
public sealed record LearningCurveLayout(IReadOnlyList<CurveSeries> Series)
{
    /// <summary>Whether the plot needs its right axis (some metric is not a loss).</summary>
    public bool HasMetricAxis => Series.Any(s => s.Axis == CurveAxis.Metric);

    /// <summary>Places <paramref name="keys"/>: losses left, other metrics right; <c>_step</c> series faint.</summary>
    public static LearningCurveLayout For(IEnumerable<string> keys) =>
        new([.. keys.Distinct()
            .Select(k => new CurveSeries(k,
                k.Contains("loss", StringComparison.OrdinalIgnoreCase) ? CurveAxis.Loss : CurveAxis.Metric,
                k.EndsWith("_step", StringComparison.Ordinal)))
            .OrderBy(s => s.Faint ? 0 : 1).ThenBy(s => s.Axis).ThenBy(s => s.Name, StringComparer.Ordinal)]);
}
