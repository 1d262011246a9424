using System.Globalization;
using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.Spaces;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lightning.Sweeps.Configuration;

/// <summary>
/// Reads sweep.yaml in the W&amp;B sweep format (method, metric, parameters with values/value/distribution/min/max/q,
/// early_terminate, run_cap) plus <c>method: tpe</c> and <c>early_terminate.type: asha|median</c>. Every problem is
/// collected with its key and what is allowed.
/// </summary>
public static class SweepConfigReader
{
    private static readonly string[] Methods = ["grid", "random", "tpe"];
    private static readonly string[] Distributions = ["categorical", "constant", "uniform", "int_uniform", "q_uniform", "log_uniform_values"];
    private static readonly string[] TopLevel =
        ["method", "metric", "parameters", "early_terminate", "run_cap", "seed", "name", "description", "program", "command"];

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="SweepConfigException">The file is missing or invalid.</exception>
    public static SweepConfig Read(string path)
    {
        if (!File.Exists(path)) throw new SweepConfigException([$"Sweep file '{path}' does not exist; pass --config with a sweep.yaml."]);
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Parses sweep YAML text; <paramref name="source"/> names it in errors.</summary>
    public static SweepConfig Parse(string yaml, string source = "sweep.yaml")
    {
        var problems = new List<string>();
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
                ?? throw new SweepConfigException([$"{source} must be a mapping with method, metric and parameters."]);
        }
        catch (YamlException error)
        {
            throw new SweepConfigException(
                [$"{source} is not valid YAML at line {error.Start.Line}: {error.InnerException?.Message ?? error.Message}"]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way, without a position, on a flow list or mapping left open.
            throw new SweepConfigException([$"{source} is not valid YAML: a '[' list or '{{' mapping is not closed (values: [a, b])."]);
        }

        foreach (var key in root.Children.Keys.Select(Text).Where(k => !TopLevel.Contains(k)))
            problems.Add($"{source}: unknown key '{key}'; allowed: {string.Join(", ", TopLevel)}.");
        var method = Scalar(root, "method") ?? "";
        if (!Methods.Contains(method))
            problems.Add(
                $"{source}: method '{method}' is not supported; allowed: {string.Join(", ", Methods)} (bayes is W&B's Gaussian process; use tpe).");

        var metric = root.Children.TryGetValue(new YamlScalarNode("metric"), out var metricNode) ? metricNode as YamlMappingNode : null;
        var metricName = metric is null ? null : Scalar(metric, "name");
        if (metricName is null) problems.Add($"{source}: metric.name is required (the logged metric to optimise, e.g. val_loss).");
        var goalText = metric is null ? "minimize" : Scalar(metric, "goal") ?? "minimize";
        if (goalText is not ("minimize" or "maximize")) problems.Add($"{source}: metric.goal '{goalText}' is not allowed; use minimize or maximize.");

        var parameters = new List<Parameter>();
        if (!root.Children.TryGetValue(new YamlScalarNode("parameters"), out var parametersNode)
            || parametersNode is not YamlMappingNode parameterMap || parameterMap.Children.Count == 0)
            problems.Add($"{source}: parameters is required: a mapping from config keys (model.lr, data.batch_size) to their search spaces.");
        else
            foreach (var (keyNode, spec) in parameterMap.Children)
                if (ReadParameter(Text(keyNode), spec, source, problems) is { } parameter) parameters.Add(parameter);

        var runCap = Integer(root, "run_cap", source, problems, minimum: 1);
        if (method is "random" or "tpe" && runCap is null)
            problems.Add($"{source}: run_cap is required for method {method} (it would never end otherwise).");
        var seed = Integer(root, "seed", source, problems, minimum: 0) ?? 0;
        var early = root.Children.TryGetValue(new YamlScalarNode("early_terminate"), out var earlyNode)
            ? ReadEarlyTerminate(earlyNode, source, problems)
            : null;
        if (method == "grid" && parameters.FirstOrDefault(p => !p.IsFinite) is { } range)
            problems.Add($"{source}: parameters.{range.Key} is a range, which grid search cannot enumerate; " +
                "give it values: [...] or use method random or tpe.");

        if (problems.Count > 0) throw new SweepConfigException(problems);
        return new SweepConfig(method, metricName!, goalText == "maximize" ? Goal.Maximize : Goal.Minimize, parameters, early,
            (int?)runCap, (int)seed);
    }

    private static Parameter? ReadParameter(string key, YamlNode spec, string source, List<string> problems)
    {
        var where = $"{source}: parameters.{key}";
        if (!key.Contains('.'))
        {
            problems.Add($"{where}: a parameter is a config key with its section, such as model.lr or data.batch_size.");
            return null;
        }
        if (spec is not YamlMappingNode map)
        {
            problems.Add($"{where} must be a mapping with values, value, or distribution/min/max.");
            return null;
        }
        if (map.Children.TryGetValue(new YamlScalarNode("values"), out var valuesNode))
        {
            if (valuesNode is YamlSequenceNode { Children.Count: > 0 } list)
                return new Categorical(key, list.Children.Select(c => Value(Text(c))).ToList());
            problems.Add($"{where}.values must be a non-empty list.");
            return null;
        }
        if (map.Children.TryGetValue(new YamlScalarNode("value"), out var valueNode)) return new Constant(key, Value(Text(valueNode)));

        var min = Number(map, "min");
        var max = Number(map, "max");
        var distribution = Scalar(map, "distribution") ?? (IsInteger(map, "min") && IsInteger(map, "max") ? "int_uniform" : "uniform");
        if (!Distributions.Contains(distribution))
        {
            problems.Add($"{where}.distribution '{distribution}' is not supported; allowed: {string.Join(", ", Distributions)}.");
            return null;
        }
        if (min is null || max is null || min >= max)
        {
            problems.Add($"{where} needs numbers min < max (got min '{Scalar(map, "min")}', max '{Scalar(map, "max")}').");
            return null;
        }
        if (distribution == "log_uniform_values" && min <= 0)
        {
            problems.Add($"{where}: log_uniform_values needs min > 0 (got {min}).");
            return null;
        }
        var q = Number(map, "q");
        if (distribution == "q_uniform" && q is not > 0)
        {
            problems.Add($"{where}: q_uniform needs q > 0.");
            return null;
        }
        return new Numeric(key, min.Value, max.Value, Log: distribution == "log_uniform_values", Step: distribution == "q_uniform" ? q : null,
            IsInteger: distribution == "int_uniform");
    }

    private static EarlyTerminate? ReadEarlyTerminate(YamlNode node, string source, List<string> problems)
    {
        if (node is not YamlMappingNode map || Scalar(map, "type") is not { } type || type is not ("asha" or "hyperband" or "median"))
        {
            problems.Add($"{source}: early_terminate.type must be asha, hyperband (the same rule) or median.");
            return null;
        }
        var minIter = Integer(map, "min_iter", source + ": early_terminate", problems, minimum: 1) ?? 1;
        var eta = Integer(map, "eta", source + ": early_terminate", problems, minimum: 2) ?? 3;
        var startup = Integer(map, "startup_trials", source + ": early_terminate", problems, minimum: 0) ?? 5;
        var warmup = Integer(map, "warmup_epochs", source + ": early_terminate", problems, minimum: 0) ?? 0;
        var bootstrap = Integer(map, "bootstrap", source + ": early_terminate", problems, minimum: 0) ?? 0;
        return new EarlyTerminate(type == "hyperband" ? "asha" : type, (int)minIter, (int)eta, (int)startup, (int)warmup, (int)bootstrap);
    }

    private static object Value(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) ? whole
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
        : bool.TryParse(text, out var flag) ? flag
        : text;

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    private static double? Number(YamlMappingNode map, string key) =>
        double.TryParse(Scalar(map, key), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool IsInteger(YamlMappingNode map, string key) =>
        long.TryParse(Scalar(map, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out _);

    private static long? Integer(YamlMappingNode map, string key, string where, List<string> problems, long minimum)
    {
        var text = Scalar(map, key);
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum) return value;
        problems.Add($"{where}: {key} '{text}' must be a whole number, {minimum} or more.");
        return null;
    }

    private static string Text(YamlNode node) => (node as YamlScalarNode)?.Value ?? "";
}
