namespace Lightning.Sweeps.Samplers;

/// <summary>
/// A one-dimensional Parzen density on [low, high]: a Gaussian at each observation plus a broad prior Gaussian at the
/// centre, each observation's width the larger gap to its neighbours, clipped as in Bergstra et al.'s TPE.
/// </summary>
internal sealed class Parzen
{
    private readonly double[] _centres;
    private readonly double[] _widths;
    private readonly double _low;
    private readonly double _high;

    public Parzen(double[] observations, double low, double high)
    {
        _low = low;
        _high = high;
        var range = high - low;
        var points = observations.Order().ToArray();
        var centres = new List<double> { (low + high) / 2 };
        var widths = new List<double> { range };
        var minimum = range / Math.Min(100.0, 1.0 + points.Length);
        for (var i = 0; i < points.Length; i++)
        {
            var left = points[i] - (i == 0 ? low : points[i - 1]);
            var right = (i == points.Length - 1 ? high : points[i + 1]) - points[i];
            centres.Add(points[i]);
            widths.Add(Math.Clamp(Math.Max(left, right), minimum, range));
        }
        _centres = [.. centres];
        _widths = [.. widths];
    }

    public double Sample(Random random)
    {
        var component = random.Next(_centres.Length);
        // Box-Muller; redraw until inside the range (a truncated Gaussian).
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var x = _centres[component] + _widths[component] * normal;
            if (x >= _low && x <= _high) return x;
        }
        return Math.Clamp(_centres[component], _low, _high);
    }

    public double LogDensity(double x)
    {
        var sum = 0.0;
        for (var i = 0; i < _centres.Length; i++)
        {
            var z = (x - _centres[i]) / _widths[i];
            sum += Math.Exp(-0.5 * z * z) / _widths[i];
        }
        return Math.Log(sum / _centres.Length + 1e-300);
    }
}
