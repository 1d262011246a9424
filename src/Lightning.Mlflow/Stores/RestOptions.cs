using System.Globalization;

namespace Lightning.Mlflow.Stores;

/// <summary>
/// How the REST client talks to a tracking server; defaults and environment variables follow the MLflow Python client.
/// Credentials are read here and live only in the Authorization header.
/// </summary>
public sealed record RestOptions
{
    /// <summary>Retries after the first attempt. <c>MLFLOW_HTTP_REQUEST_MAX_RETRIES</c>, default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Backoff factor: retry n waits factor·2^(n−1). <c>MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR</c>, default 2 s.</summary>
    public TimeSpan BackoffFactor { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Up to this much random time is added to each wait. <c>MLFLOW_HTTP_REQUEST_BACKOFF_JITTER</c>, default 1 s.</summary>
    public TimeSpan BackoffJitter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-request timeout. <c>MLFLOW_HTTP_REQUEST_TIMEOUT</c>, default 120 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long opening a connection may take. Default 2 s: a server that is up connects in milliseconds, and an address
    /// with nothing behind it must not hold a run's start (the run then goes on offline and spools).
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>MLFLOW_TRACKING_USERNAME</c> (Basic auth with the password; wins over the token).</summary>
    public string? Username { get; init; }

    /// <summary><c>MLFLOW_TRACKING_PASSWORD</c>.</summary>
    public string? Password { get; init; }

    /// <summary><c>MLFLOW_TRACKING_TOKEN</c> (Bearer).</summary>
    public string? Token { get; init; }

    /// <summary><c>MLFLOW_TRACKING_INSECURE_TLS=true</c> skips certificate checks; off by default.</summary>
    public bool InsecureTls { get; init; }

    /// <summary>Options from the environment variables the MLflow client reads.</summary>
    public static RestOptions FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var defaults = new RestOptions();
        return defaults with
        {
            MaxRetries = Number(read("MLFLOW_HTTP_REQUEST_MAX_RETRIES")) is { } retries ? (int)Math.Clamp(retries, 0, 10) : defaults.MaxRetries,
            BackoffFactor = Number(read("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR")) is { } factor
                ? TimeSpan.FromSeconds(Math.Clamp(factor, 0, 120))
                : defaults.BackoffFactor,
            BackoffJitter = Number(read("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER")) is { } jitter
                ? TimeSpan.FromSeconds(Math.Max(0, jitter))
                : defaults.BackoffJitter,
            Timeout = Number(read("MLFLOW_HTTP_REQUEST_TIMEOUT")) is { } timeout ? TimeSpan.FromSeconds(Math.Max(1, timeout)) : defaults.Timeout,
            Username = Blank(read("MLFLOW_TRACKING_USERNAME")),
            Password = Blank(read("MLFLOW_TRACKING_PASSWORD")),
            Token = Blank(read("MLFLOW_TRACKING_TOKEN")),
            InsecureTls = string.Equals(read("MLFLOW_TRACKING_INSECURE_TLS"), "true", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>Redacted, so options can be printed or logged without leaking credentials.</summary>
    public override string ToString() =>
        $"RestOptions {{ MaxRetries = {MaxRetries}, BackoffFactor = {BackoffFactor}, Timeout = {Timeout}, " +
        $"Auth = {(Username is not null ? "basic" : Token is not null ? "bearer" : "none")}, InsecureTls = {InsecureTls} }}";

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
