namespace Lightning.Sweeps.Samplers;

/// <summary>
/// A Parzen density over one or more parameters: a weighted mixture whose k-th component is the product of every
/// parameter's k-th kernel. Each observation weighs what <see cref="TpeSplit.Weights"/> gives it and the prior 1.
/// </summary>
internal sealed class ParzenMixture
{
    private readonly IKernels[] _axes;
    private readonly double[] _weights;
    private readonly double[] _logWeights;

    /// <param name="axes">Each parameter's kernels, fitted to the same observations.</param>
    /// <param name="observationWeights">One weight per observation.</param>
    public ParzenMixture(IKernels[] axes, double[] observationWeights)
    {
        _axes = axes;
        var total = observationWeights.Sum() + 1;
        _weights = [.. observationWeights.Select(w => w / total), 1 / total];
        _logWeights = [.. _weights.Select(w => Math.Log(w))];
    }

    public double[] Sample(Random random)
    {
        var u = random.NextDouble();
        var kernel = 0;
        while (kernel < _weights.Length - 1 && (u -= _weights[kernel]) > 0) kernel++;
        return [.. _axes.Select(axis => axis.Sample(random, kernel))];
    }

    public double LogDensity(double[] point)
    {
        Span<double> terms = _weights.Length <= 512 ? stackalloc double[_weights.Length] : new double[_weights.Length];
        var max = double.NegativeInfinity;
        for (var k = 0; k < terms.Length; k++)
        {
            terms[k] = _logWeights[k];
            for (var a = 0; a < _axes.Length; a++) terms[k] += _axes[a].LogDensity(point[a], k);
            max = Math.Max(max, terms[k]);
        }
        if (double.IsNegativeInfinity(max)) return max;
        var sum = 0.0;
        foreach (var term in terms) sum += Math.Exp(term - max);
        return max + Math.Log(sum);
    }
}
