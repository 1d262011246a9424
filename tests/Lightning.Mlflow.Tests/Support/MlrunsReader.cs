using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Lightning.Mlflow.Tests.Support;

/// <summary>
/// Reads an mlruns/ folder by the rules MLflow's FileStore requires, independently of our
/// writer: meta.yaml fields and their YAML types, metric lines, params and tags files.
/// </summary>
public static class MlrunsReader
{
    public sealed record Experiment(string Id, string Name, string Folder);

    public sealed record Run(string Id, string Folder, YamlMappingNode Meta)
    {
        public string Field(string key) => ((YamlScalarNode)Meta[key]).Value!;
        public int Status => int.Parse(Field("status"), CultureInfo.InvariantCulture);
        public string? Tag(string key) => File.Exists(Path.Combine(Folder, "tags", key)) ? File.ReadAllText(Path.Combine(Folder, "tags", key)) : null;
        public string? Param(string key) =>
            File.Exists(Path.Combine(Folder, "params", key)) ? File.ReadAllText(Path.Combine(Folder, "params", key)) : null;
        public string Artifacts => Path.Combine(Folder, "artifacts");

        public List<(long Timestamp, double Value, long Step)> Metric(string key) =>
            File.ReadAllLines(Path.Combine(Folder, "metrics", key)).Select(line =>
            {
                var parts = line.Split(' ');
                Assert.Equal(3, parts.Length);
                return (long.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture),
                    long.Parse(parts[2], CultureInfo.InvariantCulture));
            }).ToList();
    }

    public static YamlMappingNode Yaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static List<Experiment> Experiments(string root) =>
        Directory.EnumerateDirectories(root).Where(d => File.Exists(Path.Combine(d, "meta.yaml"))).Select(d =>
        {
            var meta = Yaml(Path.Combine(d, "meta.yaml"));
            RequireString(meta, "experiment_id");
            RequireString(meta, "name");
            RequireString(meta, "artifact_location");
            Assert.Equal("active", ((YamlScalarNode)meta["lifecycle_stage"]).Value);
            return new Experiment(((YamlScalarNode)meta["experiment_id"]).Value!, ((YamlScalarNode)meta["name"]).Value!, d);
        }).ToList();

    public static List<Run> Runs(Experiment experiment) =>
        Directory.EnumerateDirectories(experiment.Folder).Where(d => File.Exists(Path.Combine(d, "meta.yaml"))).Select(d =>
        {
            var meta = Yaml(Path.Combine(d, "meta.yaml"));
            // RunInfo.__init__ requires these; ids are strings, times and status integers, end_time may be null.
            RequireString(meta, "run_uuid");
            RequireString(meta, "experiment_id");
            RequireString(meta, "user_id");
            RequireString(meta, "lifecycle_stage");
            RequireInteger(meta, "status");
            RequireInteger(meta, "start_time");
            var end = (YamlScalarNode)meta["end_time"];
            Assert.True(end.Value is "null" || long.TryParse(end.Value, out _), $"end_time is '{end.Value}'");
            return new Run(Path.GetFileName(d), d, meta);
        }).ToList();

    private static void RequireString(YamlMappingNode meta, string key)
    {
        Assert.True(meta.Children.ContainsKey(key), $"meta.yaml lacks '{key}'");
        var node = (YamlScalarNode)meta[key];
        // A string field must stay a string for a YAML reader: quoted, or not parseable as a number.
        Assert.True(node.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted
            || !double.TryParse(node.Value, out _), $"'{key}' would not read as a string: {node.Value}");
    }

    private static void RequireInteger(YamlMappingNode meta, string key)
    {
        Assert.True(meta.Children.ContainsKey(key), $"meta.yaml lacks '{key}'");
        var node = (YamlScalarNode)meta[key];
        Assert.Equal(YamlDotNet.Core.ScalarStyle.Plain, node.Style);
        Assert.True(long.TryParse(node.Value, out _), $"'{key}' is '{node.Value}', not an integer");
    }
}
