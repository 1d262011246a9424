using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;

namespace Lightning.Mlflow.Stores;

/// <summary>
/// JSON over HTTP to an MLflow server: auth header, our User-Agent, TLS verification, and the Python client's retry
/// policy (408, 429, 5xx and connection errors; exponential backoff with jitter; Retry-After honoured).
/// Non-2xx answers become <see cref="MlflowException"/> with MLflow's error code. A server that has never answered is
/// not waited for: connection errors are retried only once it has answered (an address with nothing behind it fails
/// within the connect timeout, not after minutes of backoff), and after <see cref="CloseWithin"/> no retry outlasts
/// the deadline.
/// </summary>
internal sealed class RestClient : IDisposable
{
    private static readonly HashSet<HttpStatusCode> Retryable =
    [
        HttpStatusCode.RequestTimeout, HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout
    ];

    private static readonly TimeSpan RetryAfterMargin = TimeSpan.FromMilliseconds(50);
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly CancellationTokenSource _closing = new();
    private readonly TimeProvider _time;
    private volatile bool _answered;

    public RestClient(Uri baseUri, RestOptions options, TimeProvider? time = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = options.ConnectTimeout };
        if (options.InsecureTls) handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUri.AbsoluteUri.TrimEnd('/') + "/"), Timeout = options.Timeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("lightning-dotnet", Core.Checkpoints.VersionInfo.Lightning));
        if (options.Username is not null)
            _http.DefaultRequestHeaders.Authorization =
                new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        else if (options.Token is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        _time = time ?? TimeProvider.System;
        _retry = BuildRetry(options, _time);
    }

    public JsonObject Get(string path, IEnumerable<KeyValuePair<string, string>> query) =>
        Send(() => new HttpRequestMessage(HttpMethod.Get,
            path + "?" + string.Join('&', query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"))));

    public JsonObject Post(string path, JsonObject body) => Post(path, Encoding.UTF8.GetBytes(body.ToJsonString()));

    public JsonObject Post(string path, byte[] json) =>
        Send(() => new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        });

    public JsonObject Put(string path, string file) =>
        Send(() => new HttpRequestMessage(HttpMethod.Put, path)
        {
            // A fresh stream per attempt: PUT is idempotent (it overwrites), so a retry resends the whole file.
            Content = new StreamContent(File.OpenRead(file)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
        });

    public JsonObject Delete(string path) => Send(() => new HttpRequestMessage(HttpMethod.Delete, path));

    /// <summary>
    /// From now on no retry wait reaches past <paramref name="budget"/>: a run is ending, and what is not delivered by
    /// then stays in the spool. Requests already on the wire finish (a checkpoint upload to a healthy server is not cut).
    /// </summary>
    public void CloseWithin(TimeSpan budget) => _closing.CancelAfter(budget);

    public void Dispose()
    {
        _http.Dispose();
        _closing.Dispose();
    }

    /// <summary>The bytes of a file the server sends (an artifact through the proxy), with the same retries as the API calls.</summary>
    public byte[] GetBytes(string path)
    {
        using var response = Exchange(() => new HttpRequestMessage(HttpMethod.Get, path));
        if (response.IsSuccessStatusCode) return response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        throw Failure(response, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }

    private JsonObject Send(Func<HttpRequestMessage> request)
    {
        using var response = Exchange(request);
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (response.IsSuccessStatusCode) return Success(text, response);
        throw Failure(response, text);
    }

    private static MlflowException Failure(HttpResponseMessage response, string text)
    {
        JsonObject? error = null;
        try
        {
            error = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        var code = error?["error_code"]?.GetValue<string>() ?? $"HTTP_{(int)response.StatusCode}";
        var message = error?["message"]?.GetValue<string>() ?? $"{(int)response.StatusCode} {response.ReasonPhrase}";
        return new MlflowException(message, code, (int)response.StatusCode);
    }

    private HttpResponseMessage Exchange(Func<HttpRequestMessage> request)
    {
        HttpResponseMessage response;
        // Past the closing deadline a request still gets its one attempt (ShouldRetry refuses the rest); before it, the
        // deadline cuts a retry wait short.
        var deadline = _closing.IsCancellationRequested ? CancellationToken.None : _closing.Token;
        try
        {
            response = _retry.Execute(
                static (state, _) => state.Http.Send(state.Request(), HttpCompletionOption.ResponseContentRead, CancellationToken.None),
                (Http: _http, Request: request), deadline);
            _answered = true;
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException
            or IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new MlflowException($"MLflow server {_http.BaseAddress} did not answer: {error.Message}", "TEMPORARILY_UNAVAILABLE", 0, error);
        }
        return response;
    }

    // Something other than MLflow may answer (a proxy's login page, a web server on the wrong port): that is the
    // server's error to report, never an exception the writer thread does not expect.
    private JsonObject Success(string text, HttpResponseMessage response)
    {
        if (text.Length == 0) return [];
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            var start = text.Length > 120 ? text[..120] + "…" : text;
            throw new MlflowException(
                $"{_http.BaseAddress} answered {(int)response.StatusCode} to {response.RequestMessage?.RequestUri?.AbsolutePath} " +
                $"with a body that is not MLflow's JSON ({response.Content.Headers.ContentType}): {start}",
                "INVALID_RESPONSE", (int)response.StatusCode);
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildRetry(RestOptions options, TimeProvider time)
    {
        if (options.MaxRetries == 0) return ResiliencePipeline<HttpResponseMessage>.Empty;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = arguments => ValueTask.FromResult(ShouldRetry(arguments.Outcome)),
                DelayGenerator = arguments => ValueTask.FromResult<TimeSpan?>(Delay(options, arguments.AttemptNumber, arguments.Outcome.Result)),
                OnRetry = arguments =>
                {
                    arguments.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome)
    {
        if (_closing.IsCancellationRequested) return false;
        if (outcome.Result is { } response)
        {
            _answered = true;
            return Retryable.Contains(response.StatusCode);
        }
        // No answer at all: worth waiting for only when this server has answered before (a blip, a restart).
        return _answered && outcome.Exception is HttpRequestException or TaskCanceledException
            or IOException and not FileNotFoundException and not DirectoryNotFoundException;
    }

    // factor·2^n plus up to `jitter` at random, capped at 120 s; a Retry-After longer than that wins.
    private TimeSpan Delay(RestOptions options, int attempt, HttpResponseMessage? response)
    {
        var backoff = options.BackoffFactor * Math.Pow(2, attempt) + options.BackoffJitter * Random.Shared.NextDouble();
        if (backoff > TimeSpan.FromSeconds(120)) backoff = TimeSpan.FromSeconds(120);
        var retryAfter = response?.Headers.RetryAfter switch
        {
            // A margin over what the server asked: timers run on a coarse clock and may fire a few ms early, and the
            // server counts whole seconds; "Retry-After: 2" means not before 2 s.
            { Delta: { } delta } => delta + RetryAfterMargin,
            { Date: { } date } => date - _time.GetUtcNow() + RetryAfterMargin,
            _ => TimeSpan.Zero,
        };
        return retryAfter > backoff ? retryAfter : backoff;
    }
}
