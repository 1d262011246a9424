using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lightning.Mlflow.Replay;

/// <summary>
/// A loopback HTTP stand-in for an MLflow 2.12.2 tracking server. It exists only because no MLflow server can be
/// installed here: every answer is built from a recorded transcript of the real server (status, content type and body
/// shape, error codes and messages with the request's values substituted), and it refuses what the real server refuses
/// (limits, key rules, write-once params, unknown runs, bad paths, wrong content type). It keeps the state a client
/// can observe (experiments, runs, params, tags, metric points, artifacts) so tests can check exactly what arrived.
/// Faults (status codes, Retry-After, dropped connections, an unreachable server) are injected by tests.
/// </summary>
public sealed partial class ReplayServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Thread _loop;
    private readonly ConcurrentQueue<Func<HttpListenerContext, bool>> _faults = new();
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile bool _unreachable;
    private volatile bool _disposed;
    private long _nextExperiment = 1;

    public ReplayServer()
    {
        var port = FreePort();
        Uri = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add(Uri.AbsoluteUri);
        _listener.Start();
        _loop = new Thread(Serve) { IsBackground = true, Name = "mlflow-replay" };
        _loop.Start();
    }

    public Uri Uri { get; }
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public ConcurrentQueue<Exception> ServerErrors { get; } = new();
    public Dictionary<string, ReplayExperiment> Experiments { get; } = [];
    public Dictionary<string, ReplayRun> Runs { get; } = [];
    public ConcurrentDictionary<string, byte[]> Artifacts { get; } = new();

    /// <summary>Artifact root scheme given to new runs; tests set "s3://bucket" to check the client refuses it.</summary>
    public string ArtifactScheme { get; set; } = "mlflow-artifacts:";

    /// <summary>While true the port is closed, so connections are refused, as when the server is down.</summary>
    public bool Unreachable
    {
        get => _unreachable;
        set
        {
            lock (_gate)
            {
                if (value == _unreachable) return;
                _unreachable = value;
                if (value) _listener.Stop();
                else _listener.Start();
            }
        }
    }

    /// <summary>
    /// Answers the next <paramref name="times"/> requests whose path contains <paramref name="route"/> with
    /// <paramref name="status"/>.
    /// </summary>
    public void FailNext(string route, int status, int times = 1, int? retryAfterSeconds = null)
    {
        for (var i = 0; i < times; i++)
            _faults.Enqueue(context =>
            {
                if (!context.Request.Url!.AbsolutePath.Contains(route, StringComparison.Ordinal)) return false;
                if (retryAfterSeconds is { } seconds) context.Response.AddHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
                Json(context, status, new JsonObject
                {
                    ["error_code"] = status == 429 ? "REQUEST_LIMIT_EXCEEDED" : "TEMPORARILY_UNAVAILABLE", ["message"] = "injected fault"
                });
                return true;
            });
    }

    /// <summary>
    /// Answers the next request to <paramref name="route"/> with 200 and an HTML page, as something that is not MLflow
    /// does (a proxy's login page; HttpListener's own "Not Found" page, seen when a listener shuts down mid-request).
    /// </summary>
    public void AnswerHtmlNext(string route) =>
        _faults.Enqueue(context =>
        {
            if (!context.Request.Url!.AbsolutePath.Contains(route, StringComparison.Ordinal)) return false;
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/html";
            context.Response.OutputStream.Write("<h1>Not Found (Not Found)</h1>"u8);
            context.Response.Close();
            return true;
        });

    /// <summary>Answers the next experiment lookup "missing" (transcript 03), as if another client created it just after.</summary>
    public void PretendMissingOnce(string name) =>
        _faults.Enqueue(context =>
        {
            if (!context.Request.Url!.AbsolutePath.EndsWith("experiments/get-by-name", StringComparison.Ordinal)) return false;
            Error(context, Transcript.Get("03"), ("csharp-probe-1795777889", name));
            return true;
        });

    /// <summary>
    /// Breaks the connection of the next request to <paramref name="route"/> before processing it: the answer promises
    /// a body and the connection closes after a few bytes, so the client sees the exchange fail mid-flight.
    /// </summary>
    public void DropNext(string route) =>
        _faults.Enqueue(context =>
        {
            if (!context.Request.Url!.AbsolutePath.Contains(route, StringComparison.Ordinal)) return false;
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = 1000;
            context.Response.OutputStream.Write("{\"trunc"u8);
            context.Response.OutputStream.Flush();
            context.Response.Abort();
            return true;
        });

    /// <summary>Every metric point the server holds for <paramref name="key"/>, in arrival order.</summary>
    public List<(double Value, long Step, long Timestamp)> Points(string runId, string key)
    {
        lock (_gate) return Runs[runId].Metrics.Where(m => m.Key == key).Select(m => (m.Value, m.Step, m.Timestamp)).ToList();
    }

    public void Dispose()
    {
        _disposed = true;
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // Stop releases the port; .NET's managed listener then binds it again in Close to unregister its prefix, which
            // fails when another test took the freed port meanwhile (seen once in CI). Nothing of ours is left open.
        }
        if (!ServerErrors.IsEmpty)
            throw new InvalidOperationException("The replay server failed while answering: " + string.Join("; ", ServerErrors));
    }

    private void Serve()
    {
        while (!_disposed)
        {
            if (!_listener.IsListening)
            {
                Thread.Sleep(5);
                continue;
            }
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                continue;
            }
            ThreadPool.QueueUserWorkItem(_ => Handle(context));
        }
    }

    private void Handle(HttpListenerContext context)
    {
        try
        {
            var body = ReadBody(context.Request);
            Requests.Enqueue(new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.PathAndQuery,
                context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!), body,
                _clock.Elapsed));
            var pending = _faults.Count;
            for (var i = 0; i < pending && _faults.TryDequeue(out var fault); i++)
            {
                if (fault(context)) return;
                _faults.Enqueue(fault);
            }
            lock (_gate) Route(context, body);
        }
        catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
        {
            // The listener was stopped (Unreachable) while this answer was being written: the client sees a reset.
        }
        catch (Exception error)
        {
            // A bug in the stand-in must fail the test that hit it, not crash the test host.
            ServerErrors.Enqueue(error);
            try
            {
                context.Response.StatusCode = 500;
                context.Response.Close();
            }
            catch (Exception)
            {
            }
        }
    }

    private void Route(HttpListenerContext context, byte[] body)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        var api = ApiPrefix().Match(path);
        if (path.StartsWith("/api/2.0/mlflow-artifacts/artifacts/", StringComparison.Ordinal))
        {
            Artifact(context, Uri.UnescapeDataString(path["/api/2.0/mlflow-artifacts/artifacts/".Length..]), body);
            return;
        }
        if (!api.Success)
        {
            Recorded(context, Transcript.Get("49"));
            return;
        }
        var rpc = path[api.Length..];
        if (RouteModels(context, rpc, body)) return;
        if (request.HttpMethod == "GET")
        {
            var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
            switch (rpc)
            {
                case "experiments/get-by-name": GetExperimentByName(context, query["experiment_name"] ?? ""); return;
                case "metrics/get-history": GetHistory(context, query["run_id"] ?? "", query["metric_key"] ?? ""); return;
                case "runs/get": GetRun(context, query["run_id"] ?? ""); return;
                case "artifacts/list": ListArtifacts(context, query["run_id"] ?? "", query["path"]); return;
                case "experiments/search": SearchExperiments(context, []); return;
                case "metrics/get-history-bulk-interval" when path.StartsWith("/ajax-api/", StringComparison.Ordinal):
                    GetHistoryBulkInterval(context, query["run_ids"] ?? "", query["metric_key"] ?? "", query["max_results"]);
                    return;
            }
            Recorded(context, Transcript.Get("49"));
            return;
        }
        if (request.HttpMethod != "POST")
        {
            Recorded(context, Transcript.Get("49"));
            return;
        }
        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            Recorded(context, Transcript.Get("48"));
            return;
        }
        JsonObject json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            // The real server treats a malformed body as empty (transcript 47).
            json = [];
        }
        switch (rpc)
        {
            case "experiments/create": CreateExperiment(context, json); return;
            case "runs/create": CreateRun(context, json); return;
            case "runs/log-batch": LogBatch(context, json); return;
            case "runs/log-inputs": LogInputs(context, json); return;
            case "runs/update": UpdateRun(context, json); return;
            case "experiments/search": SearchExperiments(context, json); return;
            case "runs/search": SearchRuns(context, json); return;
        }
        Recorded(context, Transcript.Get("49"));
    }

    private static byte[] ReadBody(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        request.InputStream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex("^/(ajax-)?api/2\\.0/mlflow/")]
    private static partial Regex ApiPrefix();
}

public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body, TimeSpan At)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

public sealed record ReplayExperiment(string Id, string Name, string LifecycleStage, long CreationTime);

public sealed class ReplayRun(JsonObject info)
{
    public JsonObject Info { get; } = info;
    public Dictionary<string, string> Params { get; } = [];
    public Dictionary<string, string> Tags { get; } = [];
    public List<(string Key, double Value, long Step, long Timestamp)> Metrics { get; } = [];
    /// <summary>run.inputs.dataset_inputs as runs/get answers them (transcript 92), in logging order.</summary>
    public List<JsonObject> Inputs { get; } = [];
    public string Status => Info["status"]!.GetValue<string>();
}
