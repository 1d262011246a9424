using Lightning.Core.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lightning.Hosting.Configuration;

/// <summary>
/// Reads the configuration layers, later winning: the YAML file &lt; <c>LIGHTNING__SECTION__KEY</c> environment
/// variables &lt; <c>--section.key=value</c> arguments. Defaults live on the options types.
/// </summary>
public static class ConfigSources
{
    /// <summary>Prefix of configuration environment variables.</summary>
    public const string EnvironmentPrefix = "LIGHTNING__";

    /// <summary>Merges the layers into one entry per key.</summary>
    public static Dictionary<string, ConfigEntry> Merge(params IEnumerable<ConfigEntry>[] layers)
    {
        var merged = new Dictionary<string, ConfigEntry>();
        foreach (var entry in layers.SelectMany(l => l)) merged[entry.NormalizedKey] = entry;
        return merged;
    }

    /// <summary>The entries of a YAML file of sections; a missing or malformed file is a configuration error.</summary>
    public static IReadOnlyList<ConfigEntry> FromYamlFile(string path)
    {
        if (!File.Exists(path))
            throw new LightningConfigException(
                [new ConfigIssue("config", null, path, $"Config file '{path}' does not exist; pass an existing file to --config.")]);
        var name = Path.GetFileName(path);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException error)
        {
            // YamlDotNet places a tab-indentation error at the start of the enclosing mapping (often line 1): name the
            // first line indented with a tab instead, since that is the line to fix.
            var tabbed = File.ReadLines(path).Select((line, index) => (line, index))
                .FirstOrDefault(l => l.line.TakeWhile(char.IsWhiteSpace).Contains('\t'));
            if (tabbed.line is not null)
                throw new LightningConfigException([new ConfigIssue("config", null, name,
                    $"{name} is not valid YAML at line {tabbed.index + 1}: it is indented with a tab; YAML indents with spaces.")]);
            throw new LightningConfigException([new ConfigIssue("config", null, name,
                $"{name} is not valid YAML at line {error.Start.Line}, column {error.Start.Column}: " +
                $"{error.InnerException?.Message ?? error.Message}")]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way, without a position, on a flow list or mapping left open.
            var where = UnclosedBracket.LineOf(File.ReadLines(path)) is { } line ? $" at line {line}" : "";
            throw new LightningConfigException([new ConfigIssue("config", null, name,
                $"{name} is not valid YAML{where}: a '[' list or '{{' mapping is not closed; close it or write the value without brackets.")]);
        }
        var entries = new List<ConfigEntry>();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) return entries;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new LightningConfigException(
                [new ConfigIssue("config", null, name, $"{name} must be a mapping of sections (trainer, model, data, tracking, callbacks).")]);
        Flatten(root, "", name, entries);
        return entries;
    }

    /// <summary>The entries of <c>LIGHTNING__SECTION__KEY=value</c> variables.</summary>
    public static IReadOnlyList<ConfigEntry> FromEnvironment(System.Collections.IDictionary variables)
    {
        var entries = new List<ConfigEntry>();
        foreach (System.Collections.DictionaryEntry variable in variables)
        {
            var name = (string)variable.Key;
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) || name.Length == EnvironmentPrefix.Length) continue;
            var key = string.Join('.', name[EnvironmentPrefix.Length..].Split("__").Select(s => s.ToLowerInvariant()));
            entries.Add(new ConfigEntry(key, (string?)variable.Value, null, name));
        }
        return entries;
    }

    /// <summary>The entries of <c>--section.key=value</c> or <c>--section.key value</c> arguments.</summary>
    /// <exception cref="LightningConfigException">An argument is not an override.</exception>
    public static IReadOnlyList<ConfigEntry> FromArguments(IReadOnlyList<string> tokens, IReadOnlyCollection<string> knownOptions)
    {
        var entries = new List<ConfigEntry>();
        var issues = new List<ConfigIssue>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
            {
                issues.Add(new ConfigIssue(token, null, "arguments", $"Unexpected argument '{token}'. Overrides look like --trainer.max_epochs=3."));
                continue;
            }
            var body = token[2..];
            var equals = body.IndexOf('=');
            var key = equals >= 0 ? body[..equals] : body;
            if (!key.Contains('.'))
            {
                var suggestion = KeyNames.Suggest("--" + key, knownOptions);
                issues.Add(new ConfigIssue(key, null, "arguments",
                    $"Unknown option '--{key}'." + (suggestion is null
                        ? $" Options: {string.Join(", ", knownOptions)}; overrides look like --trainer.max_epochs=3."
                        : $" Did you mean '{suggestion}'?")));
                continue;
            }
            string value;
            if (equals >= 0) value = body[(equals + 1)..];
            else if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal)) value = tokens[++i];
            else
            {
                issues.Add(new ConfigIssue(key, null, "--" + key, $"Override '--{key}' has no value; write --{key}=VALUE."));
                continue;
            }
            entries.Add(new ConfigEntry(key, value, null, "--" + key));
        }
        if (issues.Count > 0) throw new LightningConfigException(issues);
        return entries;
    }

    private static void Flatten(YamlMappingNode mapping, string prefix, string source, List<ConfigEntry> entries)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = prefix + ((YamlScalarNode)keyNode).Value;
            switch (valueNode)
            {
                case YamlMappingNode nested:
                    Flatten(nested, key + ".", source, entries);
                    break;
                case YamlSequenceNode sequence:
                    entries.Add(new ConfigEntry(key, null, sequence.Children.Select(c => (c as YamlScalarNode)?.Value ?? "").ToList(), source));
                    break;
                case YamlScalarNode scalar:
                    var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
                    entries.Add(new ConfigEntry(key, isNull ? null : scalar.Value, null, source));
                    break;
            }
        }
    }
}
