using Lightning.Core.Configuration;
using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow;

/// <summary>Where runs go: a tracking server (REST) or a file store folder.</summary>
/// <param name="IsServer">True for http(s) URIs.</param>
/// <param name="Location">The server URI, or the file store's absolute folder.</param>
public sealed record TrackingTarget(bool IsServer, string Location)
{
    /// <summary>The environment variable the MLflow client reads.</summary>
    public const string UriVariable = "MLFLOW_TRACKING_URI";

    /// <summary>
    /// The store at this target; a server's runs keep their local files (checkpoints, spool) under
    /// <paramref name="localRoot"/>; <paramref name="time"/> stamps and paces retries.
    /// </summary>
    public IRunStore Open(RestOptions options, string localRoot, Action<string>? warn = null, TimeProvider? time = null) =>
        IsServer ? new RestStore(new Uri(Location), options, localRoot, time) : new FileStore(Location, warn, time);

    /// <summary>
    /// <c>tracking.uri</c>, else <c>MLFLOW_TRACKING_URI</c>, else <c>mlruns</c> under <paramref name="rootDirectory"/>:
    /// <c>http(s)://</c> is a server; a <c>file:</c> URI or a plain path is a file store.
    /// </summary>
    /// <exception cref="LightningConfigException">A scheme this client does not write (sqlite:, databricks, ...).</exception>
    public static TrackingTarget Resolve(string? configured, string? environment, string rootDirectory)
    {
        var (value, source) = !string.IsNullOrWhiteSpace(configured) ? (configured, "tracking.uri")
            : !string.IsNullOrWhiteSpace(environment) ? (environment, UriVariable)
            : (Path.Combine(rootDirectory, "mlruns"), "default");
        if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return new TrackingTarget(true, value.TrimEnd('/'));
        if (value.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            return new TrackingTarget(false,
                Path.GetFullPath(value.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(value).LocalPath : value[5..]));
        if (value.Contains("://", StringComparison.Ordinal) || value.StartsWith("databricks", StringComparison.Ordinal))
            throw new LightningConfigException([new ConfigIssue("tracking.uri", value, source,
                "is not a store this client writes: use http(s)://host:port for a tracking server, " +
                "or a folder (or file: URI) for the embedded file store.")]);
        return new TrackingTarget(false, Path.GetFullPath(value));
    }
}
