using System.Globalization;
using System.Text.RegularExpressions;

namespace Lightning.Core.Callbacks;

/// <summary>Fills a checkpoint file name template such as <c>{epoch}-{step}-{val_loss:.4f}</c>.</summary>
public static partial class CheckpointFilename
{
    /// <summary>
    /// Replaces each <c>{name}</c> or <c>{name:spec}</c> with the value; Python-style specs (<c>.4f</c>, <c>.2e</c>, <c>d</c>) are
    /// understood. With <paramref name="insertNames"/> the value is written as <c>name=value</c>, as Lightning's
    /// <c>auto_insert_metric_name</c> does, unless the template already spells <c>name=</c> before it.
    /// </summary>
    public static string Format(string template, int epoch, long step, IReadOnlyDictionary<string, double> metrics, bool insertNames = true) =>
        Placeholder().Replace(template, match =>
        {
            var name = match.Groups["name"].Value;
            // Lightning would write "epoch=epoch=3" for "epoch={epoch}"; a template that already names its value keeps one name.
            var prefix = insertNames && !template.AsSpan(0, match.Index).EndsWith(name + "=", StringComparison.Ordinal) ? name + "=" : "";
            var spec = match.Groups["spec"].Success ? match.Groups["spec"].Value : null;
            double? value = name switch
            {
                "epoch" => epoch,
                "step" => step,
                _ => metrics.TryGetValue(name, out var v) ? v : null,
            };
            return prefix + (value is { } found ? Render(found, spec, name is "epoch" or "step") : "nan");
        });

    private static string Render(double value, string? spec, bool integral)
    {
        if (spec is null)
            return integral ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("0.####", CultureInfo.InvariantCulture);
        var python = PythonSpec().Match(spec);
        if (!python.Success) return value.ToString(spec, CultureInfo.InvariantCulture);
        var digits = python.Groups["digits"].Success ? python.Groups["digits"].Value : "6";
        return python.Groups["kind"].Value switch
        {
            "f" => value.ToString("F" + digits, CultureInfo.InvariantCulture),
            "e" => value.ToString("0." + new string('0', int.Parse(digits, CultureInfo.InvariantCulture)) + "e+00", CultureInfo.InvariantCulture),
            _ => ((long)value).ToString(CultureInfo.InvariantCulture),
        };
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z0-9_./-]+)(:(?<spec>[^}]+))?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(\.(?<digits>\d+))?(?<kind>[fed])$")]
    private static partial Regex PythonSpec();
}
