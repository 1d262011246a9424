using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Samplers;

/// <summary>
/// A numeric parameter's Parzen kernels on [low, high] as Optuna's TPE builds them (consider_prior,
/// consider_magic_clip, no endpoints): a Gaussian at each observation and a prior Gaussian at the centre as wide as the
/// range, each truncated to the range, so the density scored is the one sampled. With a step, points lie on the grid
/// low + k·step and each kernel gives a grid point the mass of its cell.
/// </summary>
internal sealed class Parzen : IKernels
{
    private readonly double[] _centres;
    private readonly double[] _widths;
    private readonly double[] _logMass;
    private readonly double _low;
    private readonly double _high;
    private readonly double _step;

    /// <param name="observations">Points in the sampler's space.</param>
    /// <param name="widths">Each observation's kernel width.</param>
    /// <param name="low">Lowest point (a grid point when there is a step).</param>
    /// <param name="high">Highest point.</param>
    /// <param name="step">Grid step, 0 for a continuous range.</param>
    public Parzen(double[] observations, double[] widths, double low, double high, double step)
    {
        _low = low;
        _high = high;
        _step = step;
        _centres = [.. observations, (low + high) / 2];
        _widths = [.. widths, high - low + step];
        _logMass = [.. _centres.Select((_, i) => TruncatedNormal.LogMass(Z(LowerLimit, i), Z(UpperLimit, i)))];
    }

    /// <summary>
    /// The kernels of a numeric parameter at the given values: widths by Optuna's univariate rule, or, when the
    /// parameter is one of <paramref name="jointDimensions"/> sampled jointly, by its multivariate rule.
    /// </summary>
    public static Parzen For(Numeric parameter, IReadOnlyList<object> values, int? jointDimensions = null)
    {
        var (low, high, step) = Axis(parameter);
        double[] points = [.. values.Select(parameter.ToInternal)];
        var widths = jointDimensions is { } d ? JointWidths(points.Length, d, low, high, step) : Widths(points, low, high, step);
        return new Parzen(points, widths, low, high, step);
    }

    /// <summary>
    /// The parameter's range in the sampler's space: log ranges are continuous (integers widened by half a step, as
    /// Optuna does), integers and q_uniform are grids.
    /// </summary>
    public static (double Low, double High, double Step) Axis(Numeric parameter)
    {
        var step = parameter.IsInteger ? parameter.Step ?? 1 : parameter.Step ?? 0;
        if (parameter.Log)
            return step > 0 && parameter.Low - step / 2 > 0
                ? (Math.Log(parameter.Low - step / 2), Math.Log(parameter.High + step / 2), 0)
                : (Math.Log(parameter.Low), Math.Log(parameter.High), 0);
        if (step == 0) return (parameter.Low, parameter.High, 0);
        return (parameter.Low, parameter.Low + Math.Floor((parameter.High - parameter.Low) / step + 1e-9) * step, step);
    }

    /// <summary>
    /// Optuna's kernel widths: with the prior's centre counted as a point, each observation's width is the larger gap
    /// to its sorted neighbours, the outermost points take the gap to their one neighbour (bounds ignored), and every
    /// width is clipped to [range / min(100, n + 2), range] with range = high − low + step.
    /// </summary>
    public static double[] Widths(double[] observations, double low, double high, double step)
    {
        var range = high - low + step;
        double[] points = [.. observations, (low + high) / 2];
        var order = Enumerable.Range(0, points.Length).OrderBy(i => points[i]).ToArray();
        var sorted = order.Select(i => points[i]).ToArray();
        var last = sorted.Length - 1;
        var widths = new double[points.Length];
        for (var k = 0; k <= last; k++)
        {
            var left = sorted[k] - (k == 0 ? low - step / 2 : sorted[k - 1]);
            var right = (k == last ? high + step / 2 : sorted[k + 1]) - sorted[k];
            widths[order[k]] = k == 0 && last > 0 ? right : k == last && last > 0 ? left : Math.Max(left, right);
        }
        var minimum = range / Math.Min(100.0, observations.Length + 2.0);
        return [.. widths.Take(observations.Length).Select(w => Math.Clamp(w, minimum, range))];
    }

    /// <summary>
    /// Optuna's multivariate widths: one width for every observation, 0.2 · n^(−1/(d+4)) · range (Scott's rule for a
    /// d-dimensional product kernel), clipped as the univariate ones are.
    /// </summary>
    public static double[] JointWidths(int n, int dimensions, double low, double high, double step)
    {
        var range = high - low + step;
        var width = 0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (dimensions + 4)) * range;
        return [.. Enumerable.Repeat(Math.Clamp(width, range / Math.Min(100.0, n + 2.0), range), n)];
    }

    public double Sample(Random random, int kernel)
    {
        var x = TruncatedNormal.Sample(random, _centres[kernel], _widths[kernel], LowerLimit, UpperLimit);
        return _step == 0 ? x : Math.Clamp(_low + Math.Round((x - _low) / _step) * _step, _low, _high);
    }

    /// <summary>Kernel <paramref name="kernel"/>'s log density at <paramref name="x"/> (on a grid, its cell's log mass).</summary>
    public double LogDensity(double x, int kernel) => -_logMass[kernel] + (_step == 0
        ? -0.5 * Math.Pow(Z(x, kernel), 2) - Math.Log(_widths[kernel] * Math.Sqrt(2 * Math.PI))
        : TruncatedNormal.LogMass(Z(Math.Max(x - _step / 2, LowerLimit), kernel), Z(Math.Min(x + _step / 2, UpperLimit), kernel)));

    private double LowerLimit => _low - _step / 2;

    private double UpperLimit => _high + _step / 2;

    private double Z(double x, int component) => (x - _centres[component]) / _widths[component];
}
