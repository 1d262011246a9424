namespace Lightning.Core.Tuning;

/// <summary>
/// Lightning's suggestion rule: the point where the smoothed loss falls fastest as the learning rate grows, leaving out
/// the first and last points, which are noise and overshoot. The slope is taken along the sweep's own axis: per decade
/// of an exponential sweep (Lightning takes d loss / d lr there too, which multiplies the noise of the flat start by
/// the tiny spacing of its rates and so suggests rates near min_lr).
/// </summary>
public static class LrSuggestion
{
    /// <summary>Points left out at the start (Lightning's <c>skip_begin</c>).</summary>
    public const int SkipBegin = 10;

    /// <summary>Points left out at the end (Lightning's <c>skip_end</c>).</summary>
    public const int SkipEnd = 1;

    /// <summary>The index into the curve of the steepest descent, or null when fewer than two finite points remain.</summary>
    /// <param name="learningRates">The rate of each point.</param>
    /// <param name="losses">The smoothed loss of each point.</param>
    /// <param name="mode">The sweep's spacing: exponential sweeps are differentiated in log10(lr).</param>
    public static int? SteepestDescent(IReadOnlyList<double> learningRates, IReadOnlyList<double> losses, LrFindMode mode = LrFindMode.Exponential)
    {
        var kept = Enumerable.Range(SkipBegin, Math.Max(0, losses.Count - SkipBegin - SkipEnd))
            .Where(i => double.IsFinite(losses[i])).ToArray();
        if (kept.Length < 2) return null;
        var x = kept.Select(i => mode == LrFindMode.Exponential ? Math.Log10(learningRates[i]) : learningRates[i]).ToArray();
        var y = kept.Select(i => losses[i]).ToArray();
        var best = 0;
        var steepest = double.PositiveInfinity;
        for (var i = 0; i < kept.Length; i++)
        {
            var slope = Slope(x, y, i);
            if (slope < steepest) (steepest, best) = (slope, i);
        }
        return kept[best];
    }

    // The derivative on uneven spacing as torch.gradient takes it: one-sided at the ends, second-order inside.
    private static double Slope(double[] x, double[] y, int i)
    {
        if (i == 0) return (y[1] - y[0]) / (x[1] - x[0]);
        var last = x.Length - 1;
        if (i == last) return (y[last] - y[last - 1]) / (x[last] - x[last - 1]);
        var left = x[i] - x[i - 1];
        var right = x[i + 1] - x[i];
        return (left * left * y[i + 1] - right * right * y[i - 1] + (right * right - left * left) * y[i]) / (left * right * (left + right));
    }
}
