namespace Lightning.Core.Tracking;

/// <summary>One metric value at a step.</summary>
/// <param name="Key">Metric name.</param>
/// <param name="Value">Value; NaN and infinities are kept.</param>
/// <param name="Step">Global optimizer step.</param>
/// <param name="TimestampMs">Unix time in milliseconds.</param>
public sealed record MetricPoint(string Key, double Value, long Step, long TimestampMs);
