using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lightning.Mlflow.Models;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;

namespace Lightning.Mlflow.Tests.Models;

/// <summary>The REST Model Registry client against the replay of MLflow 2.12.2's registry (transcripts 71–90).</summary>
public sealed class RegistryReplayTests : IDisposable
{
    private const string Source = "mlflow-artifacts:/6/eada61b5ed264df8904338367c0b4c35/artifacts/model";
    private const string RunId = "eada61b5ed264df8904338367c0b4c35";
    private readonly ReplayServer _server = new();
    private readonly TempDirectory _local = new();
    private readonly RestStore _store;
    private readonly IModelRegistry _registry;

    public RegistryReplayTests()
    {
        _store = new RestStore(_server.Uri, Rest.Fast, _local.Path);
        _registry = ModelRegistries.For(_store);
    }

    public void Dispose()
    {
        _store.Dispose();
        _server.Dispose();
        _local.Dispose();
    }

    [Fact]
    public void Register_CreatesTheModelOnceAndCountsVersionsUp()
    {
        var first = ModelRegistration.Register(_registry, "dotnet-demo", Source, RunId);
        var second = ModelRegistration.Register(_registry, "dotnet-demo", Source, RunId);
        Assert.Equal(("1", "READY"), (first.Version, first.Status));
        Assert.Equal(("2", Source, RunId), (second.Version, second.Source, second.RunId));
        // Transcript 90: registered-models/create every time (the second answered RESOURCE_ALREADY_EXISTS, 72), then the version.
        Assert.Equal(["registered-models/create", "model-versions/create", "registered-models/create", "model-versions/create"],
            Calls());
        var create = _server.Requests.Last(r => r.PathAndQuery.EndsWith("model-versions/create", StringComparison.Ordinal));
        Assert.Equal(new JsonObject { ["name"] = "dotnet-demo", ["source"] = Source, ["run_id"] = RunId }.ToJsonString(), create.Text);
    }

    [Fact]
    public void Register_FollowsAPendingRegistrationUntilReady()
    {
        _server.PendingRegistrations = 1;
        var version = ModelRegistration.Register(_registry, "dotnet-demo", Source, RunId, new InstantTime());
        Assert.Equal("READY", version.Status);
        // The create answered pending, so did the first poll; the second found it ready.
        Assert.Equal(["registered-models/create", "model-versions/create", "model-versions/get", "model-versions/get"], Calls());
    }

    [Fact]
    public void AliasModelAndSearch_ReadBackAsRecorded()
    {
        ModelRegistration.Register(_registry, "dotnet-demo", Source, RunId);
        ModelRegistration.Register(_registry, "dotnet-demo", Source, RunId);
        _registry.SetAlias("dotnet-demo", "champion", "2");
        // Transcript 77: the version goes as a JSON string.
        Assert.Contains(_server.Requests, r => r.Text == """{"name":"dotnet-demo","alias":"champion","version":"2"}""");

        var byAlias = _registry.GetByAlias("dotnet-demo", "champion");
        Assert.Equal("2", byAlias.Version);
        Assert.Equal(["champion"], byAlias.Aliases);
        var model = _registry.GetModel("dotnet-demo");
        Assert.Equal("2", Assert.Single(model.LatestVersions).Version);
        Assert.Equal("2", model.Aliases["champion"]);
        Assert.Equal(["dotnet-demo"], _registry.Models().Select(m => m.Name));
        Assert.Equal(["1", "2"], _registry.Versions("dotnet-demo").Select(v => v.Version));
        Assert.Equal("1", _registry.GetVersion("dotnet-demo", "1").Version);
    }

    [Fact]
    public void Answers_HaveTheRecordedShape()
    {
        ModelRegistration.Register(_registry, "dotnet-demo", Source, RunId);
        ModelRegistration.Register(_registry, "dotnet-demo", Source, RunId);
        _registry.SetAlias("dotnet-demo", "champion", "2");
        // Same keys in the same order as the real server's answers (values differ: ids and times); a version without
        // tags or aliases reads as the create answer of 74, with an alias as 79.
        AssertShape("74", Get("model-versions/get?name=dotnet-demo&version=1"));
        AssertShape("79", Get("registered-models/alias?name=dotnet-demo&alias=champion"));
        AssertShape("80", Get("model-versions/get-download-uri?name=dotnet-demo&version=1"));
        Assert.Equal(Source, Get("model-versions/get-download-uri?name=dotnet-demo&version=2")["artifact_uri"]!.GetValue<string>());
        var model = Get("registered-models/get?name=dotnet-demo");
        Assert.Equal(["name", "creation_timestamp", "last_updated_timestamp", "description", "latest_versions", "aliases"],
            model["registered_model"]!.AsObject().Select(p => p.Key));
        // Empty results are {} (83, 84).
        Assert.Equal("{}", Get($"model-versions/search?filter={Uri.EscapeDataString("run_id='0123'")}").ToJsonString());
    }

    [Fact]
    public void Refusals_AreOneSentenceWithMlflowsCode()
    {
        ModelRegistration.Register(_registry, "dotnet-demo", Source, RunId);
        var missingModel = Assert.Throws<MlflowException>(() => _registry.GetModel("no-such-model"));
        Assert.Equal(("RESOURCE_DOES_NOT_EXIST", 404), (missingModel.ErrorCode, missingModel.Status));
        Assert.StartsWith("The registered model 'no-such-model' does not exist in ", missingModel.Message);
        var missingVersion = Assert.Throws<MlflowException>(() => _registry.GetVersion("dotnet-demo", "99"));
        Assert.StartsWith("The version 99 of registered model 'dotnet-demo' does not exist", missingVersion.Message);
        var empty = Assert.Throws<MlflowException>(() => _registry.EnsureModel(""));
        Assert.Contains(Transcript.Get("88").Message.TrimEnd('.'), empty.Message);
        var reserved = Assert.Throws<MlflowException>(() => _registry.SetAlias("dotnet-demo", "latest", "1"));
        Assert.EndsWith(Transcript.Get("89").Message, reserved.Message);
        var unknownAlias = Assert.Throws<MlflowException>(() => _registry.GetByAlias("dotnet-demo", "nope"));
        Assert.Equal(400, unknownAlias.Status);
        Assert.All(new[] { missingModel, missingVersion, empty, reserved, unknownAlias }, e => Assert.DoesNotContain('\n', e.Message));
    }

    [Fact]
    public void LogModel_AppendsToTheHistoryTagAndRefusesMissingFields()
    {
        var run = _server.Runs[_store.CreateRun(new RunRequest("exp", "run", "tester", 1, new Dictionary<string, string>())).RunId];
        var runId = run.Info["run_id"]!.GetValue<string>();
        var recorded = JsonNode.Parse(Transcript.Get("69").Json["run"]!["data"]!["tags"]!.AsArray()
            .Single(t => t!["key"]!.GetValue<string>() == "mlflow.log-model.history")!["value"]!.GetValue<string>())!.AsArray();
        foreach (var model in recorded) _store.LogModel(runId, model!.ToJsonString());
        // The server's own serialization (json.dumps of the list) is what the tag holds (transcript 69).
        var expected = Transcript.Get("69").Json["run"]!["data"]!["tags"]!.AsArray()
            .Single(t => t!["key"]!.GetValue<string>() == "mlflow.log-model.history")!["value"]!.GetValue<string>();
        Assert.Equal(expected, run.Tags["mlflow.log-model.history"]);

        var refused = Assert.Throws<MlflowException>(() => _store.LogModel(runId, """{"artifact_path": "x", "flavors": {}}"""));
        Assert.Equal("INVALID_PARAMETER_VALUE", refused.ErrorCode);
        Assert.Contains("Model json is missing mandatory fields", refused.Message);
    }

    [Fact]
    public async Task Searches_AreGetOnly()
    {
        using var http = new HttpClient();
        var post = await http.PostAsync(new Uri(_server.Uri, "/api/2.0/mlflow/registered-models/search"),
            new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    private List<string> Calls() => [.. _server.Requests.Select(r => r.PathAndQuery.Split('?')[0])
        .Where(p => p.Contains("registered-models", StringComparison.Ordinal) || p.Contains("model-versions", StringComparison.Ordinal))
        .Select(p => p["/api/2.0/mlflow/".Length..])];

    private JsonObject Get(string pathAndQuery)
    {
        using var http = new HttpClient();
        return JsonNode.Parse(http.GetStringAsync(new Uri(_server.Uri, "/api/2.0/mlflow/" + pathAndQuery)).GetAwaiter().GetResult())!.AsObject();
    }

    private static void AssertShape(string transcript, JsonObject actual) => Assert.Equal(Shape(Transcript.Get(transcript).Json), Shape(actual));

    private static string Shape(JsonNode? node) => node switch
    {
        JsonObject map => "{" + string.Join(",", map.Select(p => p.Key + ":" + Shape(p.Value))) + "}",
        JsonArray list => "[" + (list.Count > 0 ? Shape(list[0]) : "") + "]",
        JsonValue value => value.GetValueKind().ToString(),
        _ => "null",
    };

    /// <summary>A clock whose waits end at once, so the 3 s poll of a pending registration costs nothing.</summary>
    private sealed class InstantTime : TimeProvider
    {
        private long _ticks;

        public override long GetTimestamp() => _ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _ticks += (long)(dueTime.TotalSeconds * TimestampFrequency);
            callback(state);
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
