using System.Globalization;
using Lightning.Core.Configuration;

namespace Lightning.Core.Callbacks;

/// <summary>How often plain progress is printed during an epoch, and the clock that decides it.</summary>
public sealed record ProgressBarOptions
{
    /// <summary>The variable that sets <see cref="PlainInterval"/> in seconds (fractions allowed; 0 turns mid-epoch lines off).</summary>
    public const string IntervalVariable = "LIGHTNING_PROGRESS_INTERVAL_S";

    /// <summary>Time between plain progress lines inside an epoch. Default 10 s; <see cref="TimeSpan.Zero"/> prints only at epoch end.</summary>
    public TimeSpan PlainInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock for rates, ETAs and intervals (tests pass a manual one).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The defaults with <see cref="IntervalVariable"/> applied when it is set.</summary>
    /// <exception cref="LightningConfigException">The variable is not a number of seconds, 0 or more.</exception>
    public static ProgressBarOptions FromEnvironment() => FromSetting(Environment.GetEnvironmentVariable(IntervalVariable));

    /// <summary>The defaults with <paramref name="seconds"/> (the variable's value) applied when it is set.</summary>
    /// <exception cref="LightningConfigException"><paramref name="seconds"/> is not a number of seconds, 0 or more.</exception>
    public static ProgressBarOptions FromSetting(string? seconds)
    {
        if (string.IsNullOrWhiteSpace(seconds)) return new ProgressBarOptions();
        if (double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && value >= 0 && value <= TimeSpan.MaxValue.TotalSeconds / 2)
            return new ProgressBarOptions { PlainInterval = TimeSpan.FromSeconds(value) };
        throw new LightningConfigException([new ConfigIssue(IntervalVariable, seconds, "environment",
            "must be a number of seconds, 0 or more (0 prints progress only at epoch end).")]);
    }
}
