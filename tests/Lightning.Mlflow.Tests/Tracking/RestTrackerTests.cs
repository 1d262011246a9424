using Lightning.TestSupport;
using System.Text;
using System.Text.Json.Nodes;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Tests.Support;

namespace Lightning.Mlflow.Tests.Tracking;

/// <summary>Every REST path of the tracker, against the transcript replay of a real MLflow 2.12.2 server.</summary>
public sealed class RestTrackerTests : IDisposable
{
    private readonly ReplayServer _server = new();
    private readonly TempDirectory _local = new();

    public void Dispose()
    {
        _server.Dispose();
        _local.Dispose();
    }

    private ReplayRun Run(MlflowTracker tracker) => _server.Runs[tracker.RunId!];

    [Fact]
    public void Run_CreatesExperimentAndRunWithTagsParamsMetricsAndStatus()
    {
        var (tracker, log) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start(
                tags: new() { ["mlflow.user"] = "tester", ["mlflow.source.name"] = "App", ["mlflow.source.type"] = "LOCAL" }));
            tracker.LogMetrics(Rest.Points("train_loss", 5));
            tracker.LogMetrics([
                new MetricPoint("val_loss", double.NaN, 5, 1), new MetricPoint("val_acc", double.PositiveInfinity, 5, 1),
                new MetricPoint("x", double.NegativeInfinity, 5, 1)]);
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var experiment = Assert.Single(_server.Experiments.Values);
        Assert.Equal("exp", experiment.Name);
        var run = Run(tracker);
        Assert.Equal("FINISHED", run.Status);
        Assert.True(run.Info["end_time"]!.GetValue<long>() > 0);
        Assert.Equal("run", run.Tags["mlflow.runName"]);
        Assert.Equal("App", run.Tags["mlflow.source.name"]);
        Assert.Equal("0.01", run.Params["model/lr"]);
        Assert.Equal(5, _server.Points(tracker.RunId!, "train_loss").Count);
        Assert.True(double.IsNaN(_server.Points(tracker.RunId!, "val_loss")[0].Value));
        Assert.Equal(double.PositiveInfinity, _server.Points(tracker.RunId!, "val_acc")[0].Value);
        Assert.Contains("nothing spooled", log.ToString());
        Assert.Contains(_server.Requests,
            r => r.PathAndQuery.StartsWith("/api/2.0/mlflow/experiments/get-by-name?experiment_name=exp", StringComparison.Ordinal));
    }

    [Fact]
    public void LogBatch_IsChunkedWithinEveryLimit()
    {
        var (tracker, _) = Rest.Tracker(_server, _local.Path);
        var parameters = Enumerable.Range(0, 250).ToDictionary(i => $"p{i}", i => new string('v', 5000));
        using (tracker)
        {
            tracker.StartRun(Rest.Start(parameters: parameters));
            tracker.LogMetrics(Rest.Points("m", 2500));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var batches = _server.Requests.Where(r => r.PathAndQuery.EndsWith("log-batch", StringComparison.Ordinal))
            .Select(r => JsonNode.Parse(r.Text)!).ToList();
        Assert.True(batches.Count >= 5);
        Assert.All(batches, b =>
        {
            Assert.True(b["metrics"]!.AsArray().Count <= 1000);
            Assert.True(b["params"]!.AsArray().Count <= 100);
            Assert.True(b["metrics"]!.AsArray().Count + b["params"]!.AsArray().Count + b["tags"]!.AsArray().Count <= 1000);
        });
        Assert.All(_server.Requests.Where(r => r.PathAndQuery.EndsWith("log-batch", StringComparison.Ordinal)),
            r => Assert.True(r.Body.Length < 1_000_000));
        Assert.Equal(2500, _server.Points(tracker.RunId!, "m").Count);
        Assert.Equal(250, Run(tracker).Params.Count);
    }

    [Fact]
    public void InvalidKeys_AreSanitizedWithOneWarningEach()
    {
        var (tracker, log) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.LogMetrics([new MetricPoint("bad:key", 1, 0, 1), new MetricPoint("bad:key", 2, 1, 1), new MetricPoint("a/../b", 3, 0, 1)]);
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(2, _server.Points(tracker.RunId!, "bad_key").Count);
        Assert.Single(_server.Points(tracker.RunId!, "a/__/b"));
        Assert.Equal(1, CountOf(log.ToString(), "'bad:key' is not valid"));
        Assert.Equal(1, CountOf(log.ToString(), "'a/../b' is not valid"));
        Assert.DoesNotContain(_server.Requests,
            r => r.PathAndQuery.EndsWith("log-batch", StringComparison.Ordinal) && r.Text.Contains("bad:key", StringComparison.Ordinal));
    }

    [Fact]
    public void LongParamsAndTags_AreTruncatedWithAWarning()
    {
        var (tracker, log) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start(parameters: new() { ["long"] = new string('x', 6001) }));
            tracker.SetTag("note", new string('y', 5001));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(6000, Run(tracker).Params["long"].Length);
        Assert.Equal(5000, Run(tracker).Tags["note"].Length);
        Assert.Contains("param 'long' has 6001 characters", log.ToString());
        Assert.Contains("tag 'note' has 5001 characters", log.ToString());
    }

    [Fact]
    public void ExistingExperiment_IsReused_AndALostCreateRaceReadsTheWinner()
    {
        var existing = _server.AddExperiment("shared");
        var (first, _) = Rest.Tracker(_server, _local.Path, experiment: "shared");
        using (first) first.StartRun(Rest.Start());
        Assert.Equal(existing, Run(first).Info["experiment_id"]!.GetValue<string>());

        // Our lookup is answered "missing", then our create loses to the other client: we read the winner's id.
        var raced = _server.AddExperiment("raced");
        _server.PretendMissingOnce("raced");
        using var store = new RestStore(_server.Uri, Rest.Fast, _local.Path);
        Assert.Equal(raced, store.EnsureExperiment("raced"));
        Assert.Contains(_server.Requests, r => r.PathAndQuery.EndsWith("experiments/create", StringComparison.Ordinal));
        Assert.Single(_server.Experiments.Values, e => e.Name == "raced");
    }

    [Fact]
    public void DeletedExperiment_IsAnErrorThatSaysHowToRestore()
    {
        var id = _server.AddExperiment("gone", "deleted");
        using var store = new RestStore(_server.Uri, Rest.Fast, _local.Path);
        var error = Assert.Throws<MlflowException>(() => store.EnsureExperiment("gone"));
        Assert.Contains($"mlflow experiments restore --experiment-id {id}", error.Message);
    }

    [Fact]
    public void UnwritableArtifactScheme_FailsAtRunStart()
    {
        _server.ArtifactScheme = "s3://bucket";
        var (tracker, _) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            var error = Assert.Throws<MlflowException>(() => tracker.StartRun(Rest.Start()));
            Assert.Contains("'s3:'", error.Message);
            Assert.Contains("--serve-artifacts", error.Message);
        }
    }

    [Fact]
    public void Artifacts_GoThroughTheProxy_AndTopKDropsAreDeleted()
    {
        var file = _local.Combine("epoch=1.ckpt");
        File.WriteAllBytes(file, Encoding.UTF8.GetBytes("weights"));
        var (tracker, _) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.LogArtifact(file, "checkpoints/epoch=1.ckpt");
            tracker.LogArtifact(file, "checkpoints/epoch=2.ckpt");
            tracker.DeleteArtifact("checkpoints/epoch=1.ckpt");
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var prefix = $"{Run(tracker).Info["experiment_id"]}/{tracker.RunId}/artifacts/";
        Assert.Equal(["weights"],
            _server.Artifacts.Where(a => a.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(a => Encoding.UTF8.GetString(a.Value)));
        Assert.True(_server.Artifacts.ContainsKey(prefix + "checkpoints/epoch=2.ckpt"));
        Assert.Equal("checkpoints/epoch=2.ckpt", Run(tracker).Tags["mlflow.latest_checkpoint_artifact"]);
    }

    [Fact]
    public void FailedRun_CarriesTheMessageAsNote()
    {
        var (tracker, _) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.EndRun(RunStatus.Failed, "boom: loss became NaN");
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Equal("FAILED", Run(tracker).Status);
        Assert.Equal("boom: loss became NaN", Run(tracker).Tags["mlflow.note.content"]);
    }

    [Fact]
    public void ParentRunId_NestsARun()
    {
        var (tracker, _) = Rest.Tracker(_server, _local.Path);
        using (tracker)
        {
            tracker.StartRun(Rest.Start(tags: new() { ["mlflow.parentRunId"] = "0123456789abcdef0123456789abcdef" }));
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Equal("0123456789abcdef0123456789abcdef", Run(tracker).Tags["mlflow.parentRunId"]);
    }

    [Theory]
    [InlineData("alice", "secret", "tok", "Basic YWxpY2U6c2VjcmV0")]
    [InlineData(null, null, "tok", "Bearer tok")]
    public void Auth_BasicWinsOverToken(string? user, string? password, string? token, string expected)
    {
        var options = Rest.Fast with { Username = user, Password = password, Token = token };
        var (tracker, _) = Rest.Tracker(_server, _local.Path, options);
        using (tracker) tracker.StartRun(Rest.Start());
        Assert.All(_server.Requests, r => Assert.Equal(expected, r.Headers["Authorization"]));
        Assert.All(_server.Requests, r => Assert.StartsWith("lightning-dotnet/", r.Headers["User-Agent"]));
        Assert.DoesNotContain("secret", options.ToString());
    }

    [Fact]
    public void Environment_ConfiguresRetriesAuthAndTls()
    {
        var variables = new Dictionary<string, string>
        {
            ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "2", ["MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"] = "0.5", ["MLFLOW_TRACKING_TOKEN"] = "t",
            ["MLFLOW_TRACKING_INSECURE_TLS"] = "true",
        };
        var options = RestOptions.FromEnvironment(variables.GetValueOrDefault);
        Assert.Equal(2, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(0.5), options.BackoffFactor);
        Assert.Equal("t", options.Token);
        Assert.True(options.InsecureTls);
        Assert.False(RestOptions.FromEnvironment(_ => null).InsecureTls);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
