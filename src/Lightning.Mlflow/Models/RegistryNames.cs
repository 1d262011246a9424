using System.Text.RegularExpressions;
using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow.Models;

/// <summary>The registry's rules for model names and aliases (transcripts 88, 89; the file store's, 97), checked before any call.</summary>
public static partial class RegistryNames
{
    /// <summary>Refuses an empty name, and the '/' and '%' the file store cannot hold.</summary>
    public static string Model(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new MlflowException("A registered model name must not be empty.", "INVALID_PARAMETER_VALUE", 400);
        if (name.Contains('/') || name.Contains('%'))
            throw new MlflowException($"Registered model name '{name}' must not contain '/' or '%'.", "INVALID_PARAMETER_VALUE", 400);
        return name;
    }

    /// <summary>Refuses what MLflow refuses as an alias: other characters than letters, digits, _ and -, 'latest', v&lt;digits&gt;.</summary>
    public static string Alias(string alias)
    {
        if (alias.Length is 0 or > 255 || !AliasCharacters().IsMatch(alias))
            throw new MlflowException($"Alias '{alias}' may only contain letters, digits, '_' and '-' (1 to 255 of them).",
                "INVALID_PARAMETER_VALUE", 400);
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase))
            throw new MlflowException("Alias 'latest' is reserved by MLflow (any case); choose another name, e.g. champion.",
                "INVALID_PARAMETER_VALUE", 400);
        if (VersionAlias().IsMatch(alias))
            throw new MlflowException($"Alias '{alias}' is reserved by MLflow for version numbers; choose another name.",
                "INVALID_PARAMETER_VALUE", 400);
        return alias;
    }

    /// <summary>Refuses a version that is not a positive whole number.</summary>
    public static string Version(string version) =>
        long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
        && number > 0
            ? number.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : throw new MlflowException($"Model version '{version}' is not a version number (1, 2, …).", "INVALID_PARAMETER_VALUE", 400);

    [GeneratedRegex(@"^[\w\-]+$")]
    private static partial Regex AliasCharacters();

    [GeneratedRegex(@"^[vV]\d+$")]
    private static partial Regex VersionAlias();
}
