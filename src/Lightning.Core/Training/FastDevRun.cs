using System.Globalization;

namespace Lightning.Core.Training;

/// <summary>
/// A smoke run: <c>true</c> runs 1 batch of each loop, a number n runs n; checkpointing, early stopping and tracking
/// are off. <c>false</c> or 0 is a normal run.
/// </summary>
public readonly record struct FastDevRun(int Batches) : IParsable<FastDevRun>
{
    /// <summary>Whether this is a smoke run.</summary>
    public bool IsEnabled => Batches > 0;

    /// <inheritdoc />
    public static FastDevRun Parse(string s, IFormatProvider? provider) =>
        TryParse(s, provider, out var value) ? value : throw new FormatException("must be true, false, or a whole number of batches, 0 or more.");

    /// <inheritdoc />
    public static bool TryParse(string? s, IFormatProvider? provider, out FastDevRun result)
    {
        result = default;
        var text = s?.Trim();
        if (bool.TryParse(text, out var flag))
        {
            result = new(flag ? 1 : 0);
            return true;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var batches) || batches < 0) return false;
        result = new(batches);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Batches switch { 0 => "false", _ => Batches.ToString(CultureInfo.InvariantCulture) };
}
