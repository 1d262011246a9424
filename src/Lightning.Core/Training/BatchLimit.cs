using System.Globalization;

namespace Lightning.Core.Training;

/// <summary>
/// How many batches of a loop to run: a fraction of the loader (a number with a decimal point, 0.0 to 1.0) or a count
/// (a whole number). <c>1.0</c> means all of them.
/// </summary>
public readonly record struct BatchLimit : IParsable<BatchLimit>
{
    private BatchLimit(double? fraction, long? count)
    {
        Fraction = fraction;
        Count = count;
    }

    /// <summary>Every batch.</summary>
    public static BatchLimit All => new(1.0, null);

    /// <summary>No batch.</summary>
    public static BatchLimit None => new(null, 0);

    /// <summary>The fraction, when given as one.</summary>
    public double? Fraction { get; }

    /// <summary>The count, when given as one.</summary>
    public long? Count { get; }

    /// <summary>Whether the limit is zero batches.</summary>
    public bool IsZero => Count == 0 || Fraction == 0;

    /// <summary>A fraction of the loader, 0 to 1.</summary>
    public static BatchLimit OfFraction(double fraction) =>
        fraction is >= 0 and <= 1 ? new(fraction, null) : throw new ArgumentOutOfRangeException(nameof(fraction), fraction, Allowed);

    /// <summary>A number of batches, 0 or more.</summary>
    public static BatchLimit OfCount(long count) =>
        count >= 0 ? new(null, count) : throw new ArgumentOutOfRangeException(nameof(count), count, Allowed);

    /// <summary>What a limit may be, for error messages.</summary>
    public const string Allowed = "a fraction from 0.0 to 1.0 (with a decimal point) or a whole number of batches, 0 or more";

    /// <summary>Batches to run out of <paramref name="available"/>: a non-zero fraction keeps at least one batch.</summary>
    public long Resolve(long available) => Fraction is { } f
        ? f == 0 ? 0 : Math.Clamp((long)Math.Floor(available * f), Math.Min(1, available), available)
        : Math.Min(Count ?? 0, available);

    /// <inheritdoc />
    public static BatchLimit Parse(string s, IFormatProvider? provider) =>
        TryParse(s, provider, out var limit) ? limit : throw new FormatException($"must be {Allowed}.");

    /// <inheritdoc />
    public static bool TryParse(string? s, IFormatProvider? provider, out BatchLimit result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(s)) return false;
        var text = s.Trim();
        if (!text.Contains('.') && !text.Contains('e', StringComparison.OrdinalIgnoreCase))
        {
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count < 0) return false;
            result = new(null, count);
            return true;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) || fraction is < 0 or > 1) return false;
        result = new(fraction, null);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Fraction is { } f
        ? f.ToString("0.0###", CultureInfo.InvariantCulture)
        : (Count ?? 0).ToString(CultureInfo.InvariantCulture);
}
