namespace Lightning.Mlflow;

/// <summary>Truncates over-long param and tag values on the client (the server would do it silently), warning once per key.</summary>
internal sealed class ValueLimits(Action<string> warn)
{
    private readonly HashSet<string> _warned = [];

    public string Param(string key, string value) => Cut(key, value, MlflowLimits.ParamValueLength, "param");

    public string Tag(string key, string value) => Cut(key, value, MlflowLimits.TagValueLength, "tag");

    private string Cut(string key, string value, int limit, string kind)
    {
        if (value.Length <= limit) return value;
        lock (_warned)
        {
            if (_warned.Add(kind + ":" + key))
                warn($"MLflow {kind} '{key}' has {value.Length} characters; it is truncated to the {limit} MLflow stores.");
        }
        return value[..limit];
    }
}
