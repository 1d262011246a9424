using Lightning.TestSupport;
using System.Text;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Tests.Support;
using Lightning.Hosting;

namespace Lightning.Mlflow.Tests.Tracking;

/// <summary>The test app as users run it, recording into MLflow: a real process, real files, real HTTP on loopback.</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class AppTrackingTests : IDisposable
{
    private static readonly string[] Fast =
    [
        "--trainer.max_epochs=2", "--trainer.enable_model_summary=false", "--trainer.seed=5", "--trainer.threads=1", "--trainer.log_every_n_steps=4"
    ];
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    private MlrunsReader.Run OnlyRun()
    {
        var experiment = Assert.Single(MlrunsReader.Experiments(_work.Combine("mlruns")), e => e.Name == "Lightning.TestApp");
        return Assert.Single(MlrunsReader.Runs(experiment));
    }

    [Fact]
    public void Fit_RecordsAFinishedRunWithParamsMetricsAndArtifacts()
    {
        var run = TestApp.Run(_work.Path, ["fit", .. Fast, "--tracking.run_name=first"], TestApp.Mlflow);
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output);
        Assert.Contains("nothing spooled", run.Output);
        // A complete recording is news, not a warning: a build log takes the first line of standard error as the reason it failed.
        Assert.DoesNotContain("nothing spooled", run.Error);
        var recorded = OnlyRun();
        Assert.Equal(3, recorded.Status);
        Assert.Equal("first", recorded.Tag("mlflow.runName"));
        Assert.Equal("LOCAL", recorded.Tag("mlflow.source.type"));
        Assert.Equal("Lightning.TestApp", recorded.Tag("mlflow.source.name"));
        Assert.Equal("16", recorded.Param("model/hidden"));
        Assert.Equal("2", recorded.Param("trainer/max_epochs"));
        Assert.Equal("5", recorded.Param("trainer/seed"));
        // Lightning's step numbers: the optimizer steps before the logging batch's own step; validation at the epoch's last.
        Assert.Equal([3L, 7, 11, 15, 19, 23, 27, 31], recorded.Metric("train_loss").Select(p => p.Step));
        Assert.Equal([15L, 31], recorded.Metric("val_loss").Select(p => p.Step));
        Assert.Equal(2, recorded.Metric("val_acc").Count);
        Assert.Contains(recorded.Metric("epoch"), p => p.Value == 1);
        foreach (var artifact in new[] { "checkpoints/last.ckpt", "config.yaml", "model_summary.txt", "plots/learning_curves.png" })
            Assert.True(File.Exists(Path.Combine(recorded.Artifacts, artifact)), $"{artifact} is missing");
        Assert.Single(Directory.GetFiles(Path.Combine(recorded.Artifacts, "checkpoints"), "epoch=*.ckpt"));
        Assert.StartsWith("checkpoints/", recorded.Tag("mlflow.latest_checkpoint_artifact"));
        var png = File.ReadAllBytes(Path.Combine(recorded.Artifacts, "plots", "learning_curves.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public void Failure_RecordsFailedWithTheMessage()
    {
        var run = TestApp.Run(_work.Path, ["fit", .. Fast, "--model.nan_from_step=3"], TestApp.Mlflow);
        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        var recorded = OnlyRun();
        Assert.Equal(4, recorded.Status);
        Assert.Contains("global step 3", recorded.Tag("mlflow.note.content"));
        Assert.NotEqual("null", recorded.Field("end_time"));
        // The closing line says how the run ended, so it does not read as a success above the error.
        Assert.Contains("(FAILED) recorded in", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Interrupt_RecordsKilledWithAnEndTime()
    {
        using var process = TestApp.Start(_work.Path,
            ["fit", "--trainer.max_epochs=100", "--model.step_delay_ms=10", "--trainer.enable_model_summary=false", "--events", "events.jsonl"],
            TestApp.Mlflow);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(_work.Combine("events.jsonl"))
            || !File.ReadAllText(_work.Combine("events.jsonl")).Contains(EpochEnded.EventName, StringComparison.Ordinal))
        {
            Assert.False(process.HasExited, "the app exited early");
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2));
            Thread.Sleep(20);
        }
        Signals.Send(process.Id, Signals.Interrupt);
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.Equal(ExitCodes.Interrupted, process.ExitCode);
        var recorded = OnlyRun();
        Assert.Equal(5, recorded.Status);
        Assert.True(long.Parse(recorded.Field("end_time"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(File.Exists(Path.Combine(recorded.Artifacts, "checkpoints", "last.ckpt")));
    }

    [Fact]
    public void ParallelProcesses_ShareOneExperiment()
    {
        var runs = Enumerable.Range(0, 3)
            .Select(_ => TestApp.Start(_work.Path, ["fit", "--trainer.max_epochs=1", "--trainer.enable_model_summary=false", "--trainer.threads=1"],
                TestApp.Mlflow)).ToList();
        foreach (var process in runs)
        {
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)));
            Assert.Equal(ExitCodes.Finished, process.ExitCode);
        }
        var experiment = Assert.Single(MlrunsReader.Experiments(_work.Combine("mlruns")), e => e.Name == "Lightning.TestApp");
        Assert.Equal(3, MlrunsReader.Runs(experiment).Count(r => r.Status == 3));
    }

    [Fact]
    public void Server_RecordsTheRunOverRest()
    {
        using var server = new ReplayServer();
        var run = TestApp.Run(_work.Path, ["fit", .. Fast, $"--tracking.uri={server.Uri}", "--tracking.experiment=remote"], TestApp.Mlflow);
        Assert.Contains("nothing spooled", run.Output);
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output);
        var recorded = Assert.Single(server.Runs.Values);
        Assert.True(recorded.Status == "FINISHED",
            run.Output + string.Join("\n", server.Requests.Select(r => $"{r.At} {r.Method} {r.PathAndQuery}")));
        Assert.Equal("remote", Assert.Single(server.Experiments.Values).Name);
        Assert.Equal(8, server.Points(recorded.Info["run_id"]!.GetValue<string>(), "train_loss").Count);
        Assert.Contains(server.Artifacts.Keys, k => k.EndsWith("/artifacts/checkpoints/last.ckpt", StringComparison.Ordinal));
        Assert.Contains(server.Artifacts.Keys, k => k.EndsWith("/artifacts/plots/learning_curves.png", StringComparison.Ordinal));
        Assert.Contains(server.Artifacts.Keys, k => k.EndsWith("/artifacts/config.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_NothingListeningAtTheTrackingUri_CostsSecondsNotMinutes_AndSaysHowToDeliver()
    {
        // Issue 9, item 2: with production retries this run used to wait ~65 s to start and ~62 s to end.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(TestApp.Run(Directory.CreateDirectory(_work.Combine("baseline")).FullName, ["fit", .. Fast], TestApp.Mlflow).ExitCode == 0);
        var baseline = clock.Elapsed;
        var uri = UnreachableServerTests.ClosedPort().AbsoluteUri.TrimEnd('/');
        clock.Restart();
        var run = TestApp.Run(_work.Path, ["fit", .. Fast, $"--tracking.uri={uri}"], TestApp.Mlflow);
        var overhead = clock.Elapsed - baseline;
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output);
        Assert.True(overhead < TimeSpan.FromSeconds(10), $"{overhead} more than the same run into a file store");
        var closing = Assert.Single(run.Output.Split('\n'), l => l.StartsWith("MLflow: run offline-", StringComparison.Ordinal));
        Assert.Contains($"{uri} never answered, nothing was sent; spooled in ", closing);
        Assert.Contains("Deliver them with: dotnet lightning runs push ", closing);
        Assert.Single(run.Output.Split('\n'), l => l.Contains("is unreachable", StringComparison.Ordinal));
        Assert.DoesNotContain($"recorded in {uri}", run.Output);
    }

    [Fact]
    public void Secrets_AppearNowhere()
    {
        const string user = "sekrit-user-7f3a", password = "sekrit-pass-91bc", token = "sekrit-token-44de";
        var credentials = new Dictionary<string, string>(TestApp.Mlflow)
        {
            ["MLFLOW_TRACKING_USERNAME"] = user, ["MLFLOW_TRACKING_PASSWORD"] = password, ["MLFLOW_TRACKING_TOKEN"] = token
        };
        using var server = new ReplayServer();
        var outputs = new List<string>
        {
            TestApp.Run(_work.Path, ["fit", .. Fast, $"--tracking.uri={server.Uri}"], credentials).Output,
            TestApp.Run(_work.Path, ["fit", .. Fast], credentials).Output,
        };
        server.Unreachable = true;
        outputs.Add(TestApp.Run(_work.Path, ["fit", .. Fast, $"--tracking.uri={server.Uri}"],
            new Dictionary<string, string>(credentials) { ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0" }).Output);
        server.Unreachable = false;

        Assert.Contains("spooled in", outputs[2]);
        var everything = outputs.Select(Encoding.UTF8.GetBytes)
            .Concat(Directory.EnumerateFiles(_work.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllBytes))
            .Concat(server.Requests.Select(r => r.Body))
            .Concat(server.Runs.Values.SelectMany(r => r.Params.Values.Concat(r.Tags.Values)).Select(Encoding.UTF8.GetBytes))
            .Concat(server.Artifacts.Values)
            .ToList();
        Assert.True(everything.Count > 20);
        foreach (var secret in new[] { user, password, token })
            Assert.DoesNotContain(everything, bytes => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0);
        Assert.All(server.Requests, r => Assert.StartsWith("Basic ", r.Headers["Authorization"]));
    }
}
