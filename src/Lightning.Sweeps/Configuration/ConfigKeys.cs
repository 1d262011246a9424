using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lightning.Sweeps.Configuration;

/// <summary>
/// The dotted keys (and values) of a configuration printed as YAML (<c>model:\n  lr: 0.1</c> → <c>model.lr</c>), read
/// with a YAML parser.
/// </summary>
internal static class ConfigKeys
{
    /// <summary>Every leaf key (a scalar, a list or nothing under it); a section with keys under it is not one.</summary>
    /// <exception cref="SweepConfigException">The text is not YAML.</exception>
    public static List<string> Of(string yaml)
    {
        var keys = new List<string>();
        if (Root(yaml) is { } root) Collect(root, "", keys);
        return keys;
    }

    /// <summary>The scalar at a dotted key (<c>trainer.devices</c>), or null when there is none.</summary>
    /// <exception cref="SweepConfigException">The text is not YAML.</exception>
    public static string? Scalar(string yaml, string key)
    {
        YamlNode? node = Root(yaml);
        foreach (var part in key.Split('.'))
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(part), out var child) ? child : null;
        return (node as YamlScalarNode)?.Value;
    }

    private static YamlMappingNode? Root(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException error)
        {
            throw new SweepConfigException(
                [$"The app's print-config did not print YAML (line {error.Start.Line}: {error.Message}); run it to see what it prints."]);
        }
        return stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode;
    }

    private static void Collect(YamlMappingNode mapping, string prefix, List<string> keys)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = prefix + ((keyNode as YamlScalarNode)?.Value ?? keyNode.ToString());
            if (value is YamlMappingNode { Children.Count: > 0 } section) Collect(section, key + ".", keys);
            else keys.Add(key);
        }
    }
}
