namespace Lightning.Sweeps.Samplers;

/// <summary>
/// Optuna's categorical Parzen kernels: each observation's kernel puts one unit on its choice and spreads the prior
/// weight (1 over the number of kernels) over every choice, normalised; the prior's kernel is uniform.
/// </summary>
internal sealed class CategoricalParzen : IKernels
{
    private readonly double[][] _rows;

    /// <param name="observed">Index of each observation's choice.</param>
    /// <param name="choices">How many choices there are.</param>
    public CategoricalParzen(int[] observed, int choices)
    {
        var spread = 1.0 / (observed.Length + 1);
        _rows = [.. observed.Select(o => Enumerable.Range(0, choices).Select(c => (spread + (c == o ? 1 : 0)) / (1 + spread * choices)).ToArray()),
            Enumerable.Repeat(1.0 / choices, choices).ToArray()];
    }

    public double Sample(Random random, int kernel)
    {
        var row = _rows[kernel];
        var u = random.NextDouble();
        for (var c = 0; c < row.Length - 1; c++)
            if ((u -= row[c]) <= 0) return c;
        return row.Length - 1;
    }

    public double LogDensity(double point, int kernel) => Math.Log(_rows[kernel][(int)point]);
}
