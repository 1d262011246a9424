using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Samplers;

/// <summary>
/// A one-dimensional Parzen density on [low, high] as Optuna's TPE builds it (consider_prior, consider_magic_clip, no
/// endpoints): a Gaussian at each observation and a prior Gaussian at the centre as wide as the range, each truncated
/// to the range, so the density scored is the one sampled. With a step, points lie on the grid low + k·step and each
/// kernel gives a grid point the mass of its cell.
/// </summary>
internal sealed class Parzen
{
    private readonly double[] _centres;
    private readonly double[] _widths;
    private readonly double[] _weights;
    private readonly double[] _logWeightOverMass;
    private readonly double _low;
    private readonly double _high;
    private readonly double _step;

    /// <param name="observations">Points in the sampler's space.</param>
    /// <param name="weights">One weight per observation; the prior weighs 1.</param>
    /// <param name="low">Lowest point (a grid point when there is a step).</param>
    /// <param name="high">Highest point.</param>
    /// <param name="step">Grid step, 0 for a continuous range.</param>
    public Parzen(double[] observations, double[] weights, double low, double high, double step)
    {
        _low = low;
        _high = high;
        _step = step;
        _centres = [.. observations, (low + high) / 2];
        _widths = [.. Widths(observations, low, high, step), high - low + step];
        var total = weights.Sum() + 1;
        _weights = [.. weights.Select(w => w / total), 1 / total];
        _logWeightOverMass = new double[_centres.Length];
        for (var i = 0; i < _centres.Length; i++)
            _logWeightOverMass[i] = Math.Log(_weights[i]) - TruncatedNormal.LogMass(Z(LowerLimit, i), Z(UpperLimit, i));
    }

    /// <summary>The density of a numeric parameter over the given trials' values (which must all have it).</summary>
    public static Parzen For(Numeric parameter, IReadOnlyList<object> values, double[] weights)
    {
        var (low, high, step) = Axis(parameter);
        return new Parzen([.. values.Select(parameter.ToInternal)], weights, low, high, step);
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

    public double Sample(Random random)
    {
        var u = random.NextDouble();
        var component = 0;
        while (component < _weights.Length - 1 && (u -= _weights[component]) > 0) component++;
        var x = TruncatedNormal.Sample(random, _centres[component], _widths[component], LowerLimit, UpperLimit);
        return _step == 0 ? x : Math.Clamp(_low + Math.Round((x - _low) / _step) * _step, _low, _high);
    }

    /// <summary>The log density at <paramref name="x"/> (for a grid, the log probability of its grid point).</summary>
    public double LogDensity(double x)
    {
        Span<double> terms = _centres.Length <= 512 ? stackalloc double[_centres.Length] : new double[_centres.Length];
        var max = double.NegativeInfinity;
        for (var i = 0; i < _centres.Length; i++)
        {
            terms[i] = _logWeightOverMass[i] + (_step == 0
                ? -0.5 * Math.Pow(Z(x, i), 2) - Math.Log(_widths[i] * Math.Sqrt(2 * Math.PI))
                : TruncatedNormal.LogMass(Z(Math.Max(x - _step / 2, LowerLimit), i), Z(Math.Min(x + _step / 2, UpperLimit), i)));
            max = Math.Max(max, terms[i]);
        }
        if (double.IsNegativeInfinity(max)) return max;
        var sum = 0.0;
        foreach (var term in terms) sum += Math.Exp(term - max);
        return max + Math.Log(sum);
    }

    private double LowerLimit => _low - _step / 2;

    private double UpperLimit => _high + _step / 2;

    private double Z(double x, int component) => (x - _centres[component]) / _widths[component];
}
