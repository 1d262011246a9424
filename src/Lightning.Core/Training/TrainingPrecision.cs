namespace Lightning.Core.Training;

/// <summary>
/// Numeric precision of weights and activations. TorchSharp 0.107 has no autocast or GradScaler, so there is no
/// mixed precision: <c>bf16-true</c> casts the module and floating inputs to bfloat16 throughout.
/// </summary>
public readonly record struct TrainingPrecision : IParsable<TrainingPrecision>
{
    private readonly string? _name;

    private TrainingPrecision(string name) => _name = name;

    /// <summary>32-bit floats (default).</summary>
    public static TrainingPrecision Full => new("32");

    /// <summary>bfloat16 weights and activations.</summary>
    public static TrainingPrecision Bf16True => new("bf16-true");

    /// <summary>The configured spelling.</summary>
    public string Name => _name ?? "32";

    /// <summary>Whether weights and inputs are cast to bfloat16.</summary>
    public bool IsBf16 => Name == "bf16-true";

    /// <inheritdoc />
    public static TrainingPrecision Parse(string s, IFormatProvider? provider) =>
        TryParse(s, provider, out var value)
            ? value
            : throw new FormatException("allowed values are 32, bf16-true (there is no mixed precision in TorchSharp 0.107).");

    /// <inheritdoc />
    public static bool TryParse(string? s, IFormatProvider? provider, out TrainingPrecision result)
    {
        var text = s?.Trim().ToLowerInvariant();
        result = text == "bf16-true" ? Bf16True : Full;
        return text is "32" or "32-true" or "bf16-true";
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
