namespace Lightning.Sweeps.Samplers;

/// <summary>
/// The standard normal's probability mass over an interval, in log space so far tails neither underflow nor cancel,
/// and draws from a normal truncated to an interval: what TPE's kernels need.
/// </summary>
internal static class TruncatedNormal
{
    private static readonly double LogSqrtTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>log P(a ≤ Z ≤ b) for a standard normal Z and a &lt; b.</summary>
    public static double LogMass(double a, double b)
    {
        if (b <= a) return double.NegativeInfinity;
        // Narrow intervals: the density at the middle times the width is exact to far better than the tail formulas.
        if (b - a < 1e-4) return -0.5 * Square((a + b) / 2) - LogSqrtTwoPi + Math.Log(b - a);
        if (b <= 0) return LogMass(-b, -a);
        if (a >= 0)
        {
            var upperA = LogUpperTail(a);
            return upperA + Math.Log(-double.ExpM1(LogUpperTail(b) - upperA));
        }
        // The interval holds 0: one minus both tails.
        return Math.Log(Math.Max(1 - Math.Exp(LogUpperTail(-a)) - Math.Exp(LogUpperTail(b)), double.Epsilon));
    }

    /// <summary>A draw from N(<paramref name="mu"/>, <paramref name="sigma"/>²) restricted to [low, high] (mu inside).</summary>
    public static double Sample(Random random, double mu, double sigma, double low, double high)
    {
        // Rejection: mu lies in [low, high] and sigma is at most the range, so at least a third of the draws land inside.
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var x = mu + sigma * StandardNormal(random);
            if (x >= low && x <= high) return x;
        }
        return Math.Clamp(mu, low, high);
    }

    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // log P(Z > x) for x ≥ 0 through the Chebyshev-fitted erfc (fractional error below 1.2e-7), kept in log space.
    private static double LogUpperTail(double x)
    {
        var z = x / Math.Sqrt(2);
        var t = 1 / (1 + 0.5 * z);
        var poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
            + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        return Math.Log(0.5) + Math.Log(t) - z * z + poly;
    }

    private static double Square(double x) => x * x;
}
