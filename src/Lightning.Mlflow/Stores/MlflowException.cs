namespace Lightning.Mlflow.Stores;

/// <summary>An MLflow store refused a request; <see cref="ErrorCode"/> is MLflow's code (e.g. RESOURCE_DOES_NOT_EXIST).</summary>
public sealed class MlflowException(string message, string errorCode = "INTERNAL_ERROR", int status = 0, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>MLflow's error code.</summary>
    public string ErrorCode { get; } = errorCode;

    /// <summary>HTTP status, or 0 when not from HTTP.</summary>
    public int Status { get; } = status;
}
