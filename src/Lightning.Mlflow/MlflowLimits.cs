namespace Lightning.Mlflow;

/// <summary>Limits of the MLflow REST API, enforced on the client so the server never has to refuse.</summary>
public static class MlflowLimits
{
    /// <summary>Metrics per log-batch request.</summary>
    public const int MetricsPerBatch = 1000;
    /// <summary>Params (and, separately, tags) per log-batch request.</summary>
    public const int ParamsOrTagsPerBatch = 100;
    /// <summary>Entities of all kinds per log-batch request.</summary>
    public const int EntitiesPerBatch = 1000;
    /// <summary>Serialized request size; kept below 1 MB with room for the envelope.</summary>
    public const int RequestBytes = 1_000_000 - 10_000;
    /// <summary>Key length.</summary>
    public const int KeyLength = 250;
    /// <summary>Param value length (longer is truncated, with a warning).</summary>
    public const int ParamValueLength = 6000;
    /// <summary>Run tag value length on 2.12 servers, the portable minimum.</summary>
    public const int TagValueLength = 5000;
}
