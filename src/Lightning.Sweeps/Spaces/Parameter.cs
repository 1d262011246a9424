using System.Globalization;

namespace Lightning.Sweeps.Spaces;

/// <summary>
/// One searched parameter, addressed by its app config key (<c>model.lr</c>). Samplers work on a numeric form:
/// continuous parameters on [Low, High] (in log space for log-uniform ones), integers on whole numbers, categorical
/// ones on the index of their value.
/// </summary>
public abstract record Parameter(string Key)
{
    /// <summary>Whether the parameter has a finite list of values (grid search needs that).</summary>
    public abstract bool IsFinite { get; }

    /// <summary>Every value, for grid search; only for finite parameters.</summary>
    public abstract IReadOnlyList<object> Values();

    /// <summary>A value drawn from the prior.</summary>
    public abstract object Sample(Random random);

    /// <summary>The value as an app override (<c>--model.lr=0.001</c>) writes it.</summary>
    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary><c>values: [...]</c>: one of a list.</summary>
public sealed record Categorical(string Key, IReadOnlyList<object> Choices) : Parameter(Key)
{
    /// <inheritdoc />
    public override bool IsFinite => true;
    /// <inheritdoc />
    public override IReadOnlyList<object> Values() => Choices;
    /// <inheritdoc />
    public override object Sample(Random random) => Choices[random.Next(Choices.Count)];
}

/// <summary><c>value: x</c>: always the same.</summary>
public sealed record Constant(string Key, object Value) : Parameter(Key)
{
    /// <inheritdoc />
    public override bool IsFinite => true;
    /// <inheritdoc />
    public override IReadOnlyList<object> Values() => [Value];
    /// <inheritdoc />
    public override object Sample(Random random) => Value;
}

/// <summary>A number between <paramref name="Low"/> and <paramref name="High"/>: uniform, log-uniform or quantised.</summary>
/// <param name="Key">Config key.</param>
/// <param name="Low">Lower bound (a value, also for log-uniform).</param>
/// <param name="High">Upper bound.</param>
/// <param name="Log">Uniform in log space (log_uniform_values).</param>
/// <param name="Step">Quantisation step (q_uniform); null for none.</param>
/// <param name="IsInteger">Whole numbers only (int_uniform).</param>
public sealed record Numeric(string Key, double Low, double High, bool Log = false, double? Step = null, bool IsInteger = false) : Parameter(Key)
{
    /// <inheritdoc />
    public override bool IsFinite => false;

    /// <inheritdoc />
    public override IReadOnlyList<object> Values() =>
        throw new InvalidOperationException($"Parameter '{Key}' is a range ({Low} to {High}), not a list of values.");

    /// <inheritdoc />
    public override object Sample(Random random) => FromInternal(InternalLow + random.NextDouble() * (InternalHigh - InternalLow));

    /// <summary>Lower bound in the sampler's space.</summary>
    public double InternalLow => Log ? Math.Log(Low) : IsInteger ? Low - 0.5 : Low;

    /// <summary>Upper bound in the sampler's space.</summary>
    public double InternalHigh => Log ? Math.Log(High) : IsInteger ? High + 0.4999999 : High;

    /// <summary>A value of the parameter from a point of the sampler's space (rounded, quantised, clamped).</summary>
    public object FromInternal(double point)
    {
        var value = Log ? Math.Exp(point) : point;
        if (Step is { } q) value = Low + Math.Round((value - Low) / q) * q;
        value = Math.Clamp(value, Low, High);
        return IsInteger ? (object)(long)Math.Round(value) : value;
    }

    /// <summary>The sampler's point of a value.</summary>
    public double ToInternal(object value)
    {
        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return Log ? Math.Log(number) : number;
    }
}
