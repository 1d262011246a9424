using System.Globalization;

namespace Lightning.Core.Training;

/// <summary>
/// How many devices (one process each) a fit uses per node: a whole number, 1 or more, or <c>auto</c>, which is 1 (a
/// launcher's own process count is then taken as it is).
/// </summary>
public readonly record struct DeviceCount : IParsable<DeviceCount>
{
    private readonly int _count;

    private DeviceCount(int count) => _count = count;

    /// <summary>As many as the launcher started, or 1 for a plain process.</summary>
    public static DeviceCount Auto => default;

    /// <summary>True for <c>auto</c>.</summary>
    public bool IsAuto => _count == 0;

    /// <summary>The processes a plain process starts on this node: the count given, or 1 for <c>auto</c>.</summary>
    public int PerNode => IsAuto ? 1 : _count;

    /// <summary>What a device count may be, for error messages.</summary>
    public const string Allowed = "a whole number of devices, 1 or more, or auto";

    /// <summary>Exactly <paramref name="count"/> devices.</summary>
    public static DeviceCount Of(int count) =>
        count >= 1 ? new(count) : throw new ArgumentOutOfRangeException(nameof(count), count, Allowed);

    /// <inheritdoc />
    public static DeviceCount Parse(string s, IFormatProvider? provider) =>
        TryParse(s, provider, out var count) ? count : throw new FormatException($"must be {Allowed}.");

    /// <inheritdoc />
    public static bool TryParse(string? s, IFormatProvider? provider, out DeviceCount result)
    {
        result = Auto;
        var text = s?.Trim();
        if (string.Equals(text, "auto", StringComparison.OrdinalIgnoreCase)) return true;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1) return false;
        result = new(count);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => IsAuto ? "auto" : _count.ToString(CultureInfo.InvariantCulture);
}
