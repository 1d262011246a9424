using System.Text.RegularExpressions;
using Lightning.Core.Configuration;
using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Configuration;

/// <summary>
/// Checks a sweep against the app before any trial starts: every parameter must be a key of the app's configuration,
/// and every value a trial can get (each listed value; the min and max of a range) must bind and validate. The app's
/// <c>print-config</c> is the judge, so its options' types and validation attributes decide, as they do in a trial.
/// </summary>
public static partial class SweepPreflight
{
    /// <summary>
    /// Throws when a parameter is not a key of the app or the app refuses one of its values; returns the devices the
    /// app's own configuration gives a trial.
    /// </summary>
    /// <param name="config">The sweep.</param>
    /// <param name="configPath">The sweep file actually used (errors name it).</param>
    /// <param name="printConfig">The app's print-config.</param>
    /// <exception cref="SweepConfigException">Every refused key or value, each naming the file, the parameter, the
    /// value and the app's reason.</exception>
    public static TrialDevices Check(SweepConfig config, string configPath, PrintConfig printConfig)
    {
        var file = Path.GetFileName(configPath);
        var candidates = config.Parameters.ToDictionary(p => p, Candidates);
        // One call per value index checks the i-th value of every parameter at once: as many calls as the longest list.
        var calls = candidates.Values.Max(c => c.Count);
        var first = Overrides(candidates, 0);
        var reply = printConfig(first);
        var keysReply = reply.ExitCode == 0 ? reply : printConfig([]);
        if (keysReply.ExitCode != 0)
            throw new SweepConfigException([$"The app's print-config failed:{Environment.NewLine}{keysReply.Output.Trim()}"]);
        CheckKeys(config, file, ConfigKeys.Of(keysReply.Output));

        var problems = new List<string>();
        for (var index = 0; index < calls; index++)
        {
            if (index > 0) reply = printConfig(Overrides(candidates, index));
            if (reply.ExitCode != 0) problems.AddRange(Refusals(candidates, index, reply, file));
        }
        if (problems.Count > 0) throw new SweepConfigException(problems);
        // The keys the sweep does not set are the app's own in any reply; the sweep's are each trial's.
        return TrialDevices.FromPrintConfig(keysReply.Output);
    }

    private static void CheckKeys(SweepConfig config, string file, List<string> keys)
    {
        var problems = new List<string>();
        foreach (var parameter in config.Parameters)
        {
            if (keys.Any(k => SameKey(k, parameter.Key))) continue;
            var suggestion = KeyNames.Suggest(parameter.Key, keys);
            problems.Add($"{file}: parameter '{parameter.Key}' is not a key of the app's configuration." +
                         (suggestion is null ? " Run 'dotnet run -- print-config' to see the keys." : $" Did you mean '{suggestion}'?"));
        }
        if (problems.Count > 0) throw new SweepConfigException(problems);
    }

    /// <summary>The values a trial can get that bound the parameter: each listed value, or a range's ends as the sampler makes them.</summary>
    private static List<(string Label, object Value)> Candidates(Parameter parameter) => parameter switch
    {
        Numeric range => [("min", range.FromInternal(range.InternalLow)), ("max", range.FromInternal(range.InternalHigh))],
        _ => [.. parameter.Values().Select(v => ("value", v))],
    };

    private static List<string> Overrides(Dictionary<Parameter, List<(string Label, object Value)>> candidates, int index) =>
        [.. candidates.Where(c => c.Value.Count > index).Select(c => $"--{c.Key.Key}={Parameter.Format(c.Value[index].Value)}")];

    private static IEnumerable<string> Refusals(
        Dictionary<Parameter, List<(string Label, object Value)>> candidates, int index, PrintConfigReply reply, string file)
    {
        var named = false;
        foreach (var line in reply.Output.Split('\n'))
        {
            if (Refusal().Match(line.Trim()) is not { Success: true } match
                || !match.Groups["source"].Value.StartsWith("--", StringComparison.Ordinal)) continue;
            var (parameter, values) = candidates.FirstOrDefault(c => c.Value.Count > index && SameKey(c.Key.Key, match.Groups["key"].Value));
            if (parameter is null) continue;
            named = true;
            var (label, value) = values[index];
            yield return $"{file}: parameter '{parameter.Key}' has {label} '{Parameter.Format(value)}', " +
                $"which the app refuses: {match.Groups["reason"].Value}";
        }
        // Refused as a combination (a check across several options): the app's own words, with what was tried.
        if (!named)
            yield return $"{file}: the app refuses the values {string.Join(" ", Overrides(candidates, index))}:" +
                $"{Environment.NewLine}{reply.Output.Trim()}";
    }

    /// <summary>Whether two dotted keys name the same option (<c>trainer.maxEpochs</c>, <c>trainer.max_epochs</c>).</summary>
    internal static bool SameKey(string a, string b) =>
        string.Join('.', a.Split('.').Select(KeyNames.Normalize)) == string.Join('.', b.Split('.').Select(KeyNames.Normalize));

    // ConfigIssue's wording: Invalid value 'abc' for 'model.lr' (from --model.lr): must be a number.
    [GeneratedRegex(@"^Invalid value '(?<value>.*)' for '(?<key>[^']+)' \(from (?<source>[^)]*)\): (?<reason>.*)$")]
    private static partial Regex Refusal();
}
