using Lightning.Core.Configuration;
using System.Globalization;
using System.Reflection;

namespace Lightning.Hosting.Configuration;

/// <summary>Converts configured text to option property types, and says what is allowed when it cannot.</summary>
internal static class ValueConverter
{
    /// <summary>
    /// Converts <paramref name="entry"/> to <paramref name="type"/>; on failure returns false with the allowed values
    /// in <paramref name="allowed"/>.
    /// </summary>
    public static bool TryConvert(ConfigEntry entry, Type type, out object? value, out string allowed)
    {
        value = null;
        allowed = "";
        var underlying = Nullable.GetUnderlyingType(type);
        var nullable = underlying is not null || !type.IsValueType;
        var target = underlying ?? type;

        if (entry.Items is { } items)
        {
            if (!target.IsArray)
            {
                allowed = $"must be a single value ({Describe(target)}), not a list.";
                return false;
            }
            return TryConvertList(items, target.GetElementType()!, out value, out allowed);
        }
        if (entry.Value is null)
        {
            allowed = $"must be {Describe(target)}; null is not allowed here.";
            return nullable;
        }
        // Arguments and environment variables spell null out as YAML does, so an optional number can be unset there too.
        if (underlying is not null && entry.Value.Trim() is "null" or "Null" or "NULL" or "~") return true;
        if (target.IsArray)
            return TryConvertList(entry.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                target.GetElementType()!, out value, out allowed);
        return TryConvertScalar(entry.Value.Trim(), target, out value, out allowed);
    }

    private static bool TryConvertList(IReadOnlyList<string> items, Type element, out object? value, out string allowed)
    {
        var array = Array.CreateInstance(element, items.Count);
        allowed = "";
        for (var i = 0; i < items.Count; i++)
        {
            if (!TryConvertScalar(items[i], element, out var item, out allowed))
            {
                value = null;
                allowed = $"item {i + 1} ('{items[i]}') {allowed}";
                return false;
            }
            array.SetValue(item, i);
        }
        value = array;
        return true;
    }

    private static bool TryConvertScalar(string text, Type target, out object? value, out string allowed)
    {
        value = null;
        allowed = $"must be {Describe(target)}.";
        if (target.IsEnum) return TryParseEnum(text, target, out value, out allowed);
        switch (Type.GetTypeCode(target))
        {
            case TypeCode.String:
                value = text;
                return true;
            case TypeCode.Boolean:
                var ok = bool.TryParse(text, out var flag);
                value = flag;
                return ok;
            case TypeCode.Int32:
                return Number<int>(text, NumberStyles.Integer, out value);
            case TypeCode.Int64:
                return Number<long>(text, NumberStyles.Integer, out value);
            case TypeCode.Double:
                return Number<double>(text, NumberStyles.Float, out value);
            case TypeCode.Single:
                return Number<float>(text, NumberStyles.Float, out value);
        }
        if (target == typeof(TimeSpan)) return TryParseDuration(text, out value, out allowed);
        return TryParseParsable(text, target, out value, out allowed);
    }

    private static bool Number<T>(string text, NumberStyles styles, out object? value) where T : System.Numerics.INumber<T>
    {
        var ok = T.TryParse(text, styles, CultureInfo.InvariantCulture, out var parsed);
        value = parsed;
        return ok;
    }

    private static bool TryParseEnum(string text, Type target, out object? value, out string allowed)
    {
        var names = Enum.GetNames(target);
        var match = names.FirstOrDefault(n => KeyNames.Normalize(n) == KeyNames.Normalize(text));
        allowed = $"allowed values are {string.Join(", ", names.Select(KeyNames.ToSnakeCase))}.";
        value = match is null ? null : Enum.Parse(target, match);
        return match is not null;
    }

    private static bool TryParseDuration(string text, out object? value, out string allowed)
    {
        allowed = "must be a duration as DD:HH:MM:SS or HH:MM:SS.";
        value = null;
        var parts = text.Split(':');
        if (parts.Length is not (3 or 4) || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _))) return false;
        var numbers = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        value = numbers.Length == 4
            ? new TimeSpan(numbers[0], numbers[1], numbers[2], numbers[3])
            : new TimeSpan(numbers[0], numbers[1], numbers[2]);
        return true;
    }

    private static bool TryParseParsable(string text, Type target, out object? value, out string allowed)
    {
        value = null;
        allowed = $"cannot be read as {target.Name}.";
        var parse = target.GetMethod("Parse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider)]);
        if (parse is null) return false;
        try
        {
            value = parse.Invoke(null, [text, CultureInfo.InvariantCulture]);
            return true;
        }
        catch (TargetInvocationException error) when (error.InnerException is FormatException or ArgumentException)
        {
            allowed = error.InnerException.Message;
            return false;
        }
    }

    private static string Describe(Type type) =>
        type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type).Select(KeyNames.ToSnakeCase)) : Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "true or false",
        TypeCode.Int32 or TypeCode.Int64 => "a whole number",
        TypeCode.Double or TypeCode.Single => "a number",
        TypeCode.String => "text",
        _ when type.IsArray => "a list",
        _ => type.Name,
    };
}
