using Lightning.TestSupport;
using System.Text.RegularExpressions;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;

namespace Lightning.Mlflow.Tests.Stores;

public sealed partial class FileStoreTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private (MlflowTracker Tracker, StringWriter Log) Tracker(string experiment = "exp")
    {
        var log = new StringWriter();
        return (new MlflowTracker(new FileStore(_root.Combine("mlruns"), log.WriteLine),
            new MlflowTrackerOptions { Experiment = experiment, Log = log }), log);
    }

    [Fact]
    public void Run_IsWrittenInTheLayoutMlflowReads()
    {
        var (tracker, _) = Tracker();
        using (tracker)
        {
            tracker.StartRun(Rest.Start(parameters: new() { ["model/lr"] = "0.01", ["note"] = "héllo wörld" },
                tags: new() { ["mlflow.user"] = "alice", ["mlflow.source.type"] = "LOCAL" }));
            tracker.LogMetrics([new MetricPoint("train/loss", 0.9, 0, 1795777000001), new MetricPoint("train/loss", double.NaN, 1, 1795777000002),
                new MetricPoint("train/loss", double.PositiveInfinity, 2, 1795777000003), new MetricPoint("train/loss", 1e-5, 3, 1795777000004)]);
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var mlruns = _root.Combine("mlruns");
        var experiments = MlrunsReader.Experiments(mlruns);
        Assert.Contains(experiments, e => e is { Id: "0", Name: "Default" });
        var experiment = Assert.Single(experiments, e => e.Name == "exp");
        Assert.Matches("^[0-9]{18}$", experiment.Id);
        var run = Assert.Single(MlrunsReader.Runs(experiment));
        Assert.Matches("^[0-9a-f]{32}$", run.Id);
        Assert.Equal(3, run.Status);
        Assert.Equal(run.Id, run.Field("run_id"));
        Assert.Equal(experiment.Id, run.Field("experiment_id"));
        Assert.Equal("alice", run.Field("user_id"));
        Assert.True(long.Parse(run.Field("end_time")) >= long.Parse(run.Field("start_time")));
        Assert.StartsWith("file://", run.Field("artifact_uri"));
        Assert.Equal("0.01", run.Param("model/lr"));
        Assert.Equal("héllo wörld", run.Param("note"));
        Assert.Equal(run.Field("run_name"), run.Tag("mlflow.runName"));
        var loss = run.Metric("train/loss");
        Assert.Equal([0.9, double.NaN, double.PositiveInfinity, 1e-5], loss.Select(p => p.Value));
        Assert.Equal([0L, 1, 2, 3], loss.Select(p => p.Step));
    }

    [Fact]
    public void MetaYaml_HasTheFieldsOfThePythonClientLayout()
    {
        var (tracker, _) = Tracker();
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.EndRun(RunStatus.Killed);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var recorded = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Transcripts", "63-filestore-python-client-layout.txt"));
        var experiment = MlrunsReader.Experiments(_root.Combine("mlruns")).Single(e => e.Name == "exp");
        var run = MlrunsReader.Runs(experiment).Single();
        Assert.Equal(KeysOf(recorded, "272c7155adf74ce5986657d2bc1711a9/meta.yaml"), run.Meta.Children.Keys.Select(k => k.ToString()).Order());
        Assert.Equal(KeysOf(recorded, "./571648111450402498/meta.yaml"),
            MlrunsReader.Yaml(Path.Combine(experiment.Folder, "meta.yaml")).Children.Keys.Select(k => k.ToString()).Order());
        Assert.Equal(5, run.Status);
    }

    [Fact]
    public void ParallelWriters_ShareOneExperimentPerName()
    {
        var runs = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8)
            .Select(_ => new FileStore(_root.Combine("mlruns")).CreateRun(new RunRequest("shared", "r", "u", 1, new Dictionary<string, string>())))
            .ToList();
        Assert.Single(runs.Select(r => r.ExperimentId).Distinct());
        Assert.Single(MlrunsReader.Experiments(_root.Combine("mlruns")), e => e.Name == "shared");
    }

    [Fact]
    public void DeletedExperiment_IsAnErrorThatSaysHowToRestore()
    {
        var store = new FileStore(_root.Combine("mlruns"));
        var id = store.EnsureExperiment("gone");
        Directory.CreateDirectory(_root.Combine("mlruns", ".trash"));
        Directory.Move(_root.Combine("mlruns", id), _root.Combine("mlruns", ".trash", id));
        var error = Assert.Throws<MlflowException>(() => store.EnsureExperiment("gone"));
        Assert.Contains($"mlflow experiments restore --experiment-id {id}", error.Message);
    }

    [Fact]
    public void Params_AreWriteOnce()
    {
        var (tracker, log) = Tracker();
        using (tracker)
        {
            tracker.StartRun(Rest.Start(parameters: new() { ["lr"] = "0.1" }));
            tracker.Flush(TimeSpan.FromSeconds(10));
            var store = new FileStore(_root.Combine("mlruns"), log.WriteLine);
            store.LogBatch(tracker.RunId!, [], [KeyValuePair.Create("lr", "0.2")], []);
        }
        Assert.Contains("params are write-once", log.ToString());
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("checkpoints/../../escape.txt")]
    [InlineData("/etc/escape.txt")]
    [InlineData("a\0b")]
    public void ArtifactPaths_ThatLeaveTheRun_AreRejected(string path)
    {
        var (tracker, _) = Tracker();
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            var file = _root.Combine("f.txt");
            File.WriteAllText(file, "x");
            Assert.Throws<ArgumentException>(() => tracker.LogArtifact(file, path));
            Assert.Throws<ArgumentException>(() => tracker.DeleteArtifact(path));
            tracker.EndRun(RunStatus.Finished);
        }
        Assert.Empty(Directory.EnumerateFiles(_root.Path, "escape.txt", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../../../escape", "__/__/__/escape")]
    [InlineData("/abs/key", "abs/key")]
    [InlineData("a\0b", "a_b")]
    [InlineData("x//y/./z/", "x/y/z")]
    public void MetricKeys_ThatWouldLeaveTheRun_AreSanitizedInside(string key, string stored)
    {
        var (tracker, log) = Tracker();
        using (tracker)
        {
            tracker.StartRun(Rest.Start());
            tracker.LogMetrics([new MetricPoint(key, 1, 0, 1)]);
            tracker.EndRun(RunStatus.Finished);
            tracker.Flush(TimeSpan.FromSeconds(10));
        }
        var run = MlrunsReader.Runs(MlrunsReader.Experiments(_root.Combine("mlruns")).Single(e => e.Name == "exp")).Single();
        Assert.Single(run.Metric(stored));
        Assert.Contains("is not valid", log.ToString());
        Assert.DoesNotContain(Directory.EnumerateFiles(_root.Path, "escape", SearchOption.AllDirectories),
            f => !f.StartsWith(run.Folder, StringComparison.Ordinal));
    }

    private static IOrderedEnumerable<string> KeysOf(string transcript, string fileSuffix)
    {
        var block = transcript.Split("--- ").First(b => b.Split('\n')[0].EndsWith(fileSuffix, StringComparison.Ordinal));
        return block.Split('\n').Skip(1).Select(l => YamlKey().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Order();
    }

    [GeneratedRegex("^([a-z_]+):")]
    private static partial Regex YamlKey();
}
