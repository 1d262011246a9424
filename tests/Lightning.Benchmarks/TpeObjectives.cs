using Lightning.Sweeps.Spaces;

namespace Lightning.Benchmarks;

/// <summary>A test function for the TPE benchmark: its space, its value at a proposal, its optimum and Optuna's medians.</summary>
/// <param name="Name">Name in the BENCH lines.</param>
/// <param name="Space">Searched parameters.</param>
/// <param name="Evaluate">The objective (lower is better).</param>
/// <param name="Optimum">The global minimum.</param>
/// <param name="Optuna30">Optuna 3.6.2 TPESampler (defaults): median simple regret after 30 trials over 300 seeds (issue 15).</param>
/// <param name="Optuna50">The same after 50 trials.</param>
public sealed record TpeObjective(
    string Name, IReadOnlyList<Parameter> Space, Func<IReadOnlyDictionary<string, object>, double> Evaluate,
    double Optimum, double Optuna30, double Optuna50);

/// <summary>The three objectives issue 15 compares against Optuna, defined exactly as the issue does.</summary>
public static class TpeObjectives
{
    public static readonly TpeObjective Branin = new(
        "branin", [new Numeric("x1", -5, 10), new Numeric("x2", 0, 15)], BraninAt, 0.397887, 0.7082, 0.3012);

    public static readonly TpeObjective Hartmann6 = new(
        "hartmann6", [.. Enumerable.Range(1, 6).Select(i => new Numeric($"x{i}", 0, 1))], Hartmann6At, -3.32237, 1.3241, 0.8098);

    public static readonly TpeObjective Training = new(
        "training",
        [
            new Numeric("lr", 1e-5, 1, Log: true),
            new Numeric("hidden", 16, 512, IsInteger: true),
            new Categorical("batch", [16L, 32L, 64L, 128L]),
            new Numeric("dropout", 0, 0.5),
        ],
        TrainingAt, 0.0178320, 0.2206, 0.1040);

    public static IReadOnlyList<TpeObjective> All => [Branin, Hartmann6, Training];

    private static double BraninAt(IReadOnlyDictionary<string, object> p)
    {
        var (x1, x2) = ((double)p["x1"], (double)p["x2"]);
        var b = 5.1 / (4 * Math.PI * Math.PI);
        var c = 5 / Math.PI;
        var t = 1 / (8 * Math.PI);
        return Math.Pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.Cos(x1) + 10;
    }

    private static readonly double[] Alpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] A =
    {
        { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] P =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    private static double Hartmann6At(IReadOnlyDictionary<string, object> p)
    {
        var x = Enumerable.Range(1, 6).Select(i => (double)p[$"x{i}"]).ToArray();
        var sum = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < 6; j++) inner += A[i, j] * Math.Pow(x[j] - P[i, j], 2);
            sum += Alpha[i] * Math.Exp(-inner);
        }
        return -sum;
    }

    private static double TrainingAt(IReadOnlyDictionary<string, object> p)
    {
        var lr = Math.Log10((double)p["lr"]);
        var hidden = Math.Log2((long)p["hidden"]);
        var dropout = (double)p["dropout"];
        return Math.Pow(lr + 2.5, 2) + 0.3 * Math.Pow(hidden - 7, 2) + ((long)p["batch"] == 64 ? 0 : 0.2)
            + 2 * Math.Pow(dropout - 0.1, 2) + 0.05 * Math.Sin(7 * lr) + 0.02 * Math.Cos(25 * dropout);
    }
}
