namespace Lightning.Sweeps.Samplers;

/// <summary>
/// Optuna's categorical Parzen density: each observation is a kernel that puts one unit on its choice and spreads the
/// prior weight (1 over the number of kernels) over every choice; a uniform prior kernel joins them, and the kernels
/// are mixed by the observations' weights (the prior weighs 1).
/// </summary>
internal sealed class CategoricalParzen
{
    private readonly double[] _probabilities;

    /// <param name="observed">Index of each observation's choice.</param>
    /// <param name="weights">One weight per observation.</param>
    /// <param name="choices">How many choices there are.</param>
    public CategoricalParzen(int[] observed, double[] weights, int choices)
    {
        _probabilities = new double[choices];
        var total = weights.Sum() + 1;
        var spread = 1.0 / (observed.Length + 1);
        for (var k = 0; k < observed.Length; k++)
        {
            // The kernel's row, normalised: spread on every choice plus one on the observed one.
            var row = 1 + spread * choices;
            for (var c = 0; c < choices; c++) _probabilities[c] += weights[k] / total * (spread + (c == observed[k] ? 1 : 0)) / row;
        }
        for (var c = 0; c < choices; c++) _probabilities[c] += 1 / total / choices;
    }

    /// <summary>Probability of each choice.</summary>
    public IReadOnlyList<double> Probabilities => _probabilities;

    public int Sample(Random random)
    {
        var u = random.NextDouble();
        for (var c = 0; c < _probabilities.Length - 1; c++)
            if ((u -= _probabilities[c]) <= 0) return c;
        return _probabilities.Length - 1;
    }

    public double LogDensity(int choice) => Math.Log(_probabilities[choice]);
}
