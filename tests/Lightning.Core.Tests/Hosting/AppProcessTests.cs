using Lightning.TestSupport;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Lightning.Core.Checkpoints;
using Lightning.Core.Tests.Support;

namespace Lightning.Core.Tests.Hosting;

/// <summary>The app host as users run it: a real child process, real files, real signals.</summary>
public sealed class AppProcessTests : IDisposable
{
    private static readonly string[] Quiet = ["--trainer.enable_model_summary=false", "--trainer.seed=123", "--trainer.threads=1"];
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    private TestApp.Result Run(params string[] arguments) => TestApp.Run(_work.Path, [.. arguments, .. Quiet]);

    [Fact]
    public void Fit_Finishes_WritesEventsCheckpointsAndMetrics()
    {
        var run = Run("fit", "--trainer.max_epochs=2", "--events", "events.jsonl");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Epoch 2/2 step 32:", run.Output);
        var events = File.ReadAllLines(_work.Combine("events.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("run_started", events[0]["event"]!.GetValue<string>());
        Assert.Equal(2, events.Count(e => e["event"]!.GetValue<string>() == "epoch_end"));
        Assert.Contains(events, e => e["event"]!.GetValue<string>() == "checkpoint" && e["path"]!.GetValue<string>().EndsWith("last.ckpt", StringComparison.Ordinal));
        var finished = events[^1];
        Assert.Equal("FINISHED", finished["status"]!.GetValue<string>());
        Assert.True(finished["metrics"]!["val_loss"]!.GetValue<double>() > 0);
        var run0 = _work.Combine("lightning_logs", "version_0");
        Assert.Contains("status: FINISHED", File.ReadAllText(Path.Combine(run0, "status.yaml")));
        Assert.Contains("model/hidden: 16", File.ReadAllText(Path.Combine(run0, "hparams.yaml")));
        Assert.StartsWith("step,", File.ReadLines(Path.Combine(run0, "metrics.csv")).First());
        Assert.True(File.Exists(Path.Combine(run0, "config.yaml")));
    }

    [Theory]
    [InlineData("--trainer.max_epochs=-1", "trainer.max_epochs", "'-1'")]
    [InlineData("--trainer.maxEpochs=abc", "trainer.max_epochs", "'abc'")]
    [InlineData("--trainer.limit_val_batches=1.5", "trainer.limit_val_batches", "'1.5'")]
    [InlineData("--trainer.accelerator=tpu", "trainer.accelerator", "auto, cpu, cuda")]
    [InlineData("--trainer.max_epoch=3", "trainer.max_epochs", "Did you mean")]
    public void BadConfig_Exits2NamingTheKey(string argument, string key, string detail)
    {
        var run = Run("fit", argument);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(key, run.Error);
        Assert.Contains(detail, run.Error);
        Assert.False(Directory.Exists(_work.Combine("lightning_logs")), "nothing may start on a config error");
    }

    [Fact]
    public void UnknownCommand_Exits2()
    {
        var run = Run("fitt");
        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public void NonFiniteLoss_Exits1NamingTheStep()
    {
        var run = Run("fit", "--model.nan_from_step=3", "--events", "events.jsonl");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("at global step 3", run.Error);
        Assert.Contains("\"status\":\"FAILED\"", File.ReadLines(_work.Combine("events.jsonl")).Last());
        Assert.Contains("status: FAILED", File.ReadAllText(_work.Combine("lightning_logs", "version_0", "status.yaml")));
    }

    [Fact]
    public void EmptyLoader_FailsNamingTheLoader()
    {
        var run = Run("fit", "--data.samples=0");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("train loader of TinyDataModule yields no batches", run.Error);
    }

    [Fact]
    public void TruncatedCheckpoint_Exits2NamingTheFile()
    {
        var broken = _work.Combine("broken.ckpt");
        File.WriteAllBytes(broken, [0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
        var run = Run("fit", "--ckpt-path", broken);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(broken, run.Error);
        Assert.Contains("truncated", run.Error);
    }

    [Fact]
    public void ValidateTestPredict_UseTheTrainedCheckpoint()
    {
        Assert.Equal(0, Run("fit", "--trainer.max_epochs=1").ExitCode);
        var validate = Run("validate", "--ckpt-path", "last");
        Assert.True(validate.ExitCode == 0, validate.Output);
        Assert.Contains("val_acc = ", validate.Output);
        var test = Run("test", "--ckpt-path", "best");
        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Contains("test_loss = ", test.Output);
        var predict = Run("predict", "--ckpt-path", "last", "--predictions", "out.safetensors");
        Assert.True(predict.ExitCode == 0, predict.Output);
        Assert.Contains("Saved 64 predictions", predict.Output);
    }

    [Fact]
    public void PrintConfig_ShowsEverySectionWithOverrides()
    {
        File.WriteAllText(_work.Combine("lightning.yaml"), "model:\n  hidden: 32\n");
        var run = Run("print-config", "--data.batch_size=8");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("hidden: 32", run.Output);
        Assert.Contains("batch_size: 8", run.Output);
        Assert.Contains("model_checkpoint:", run.Output);
    }

    [Theory]
    [InlineData(Signals.Interrupt)]
    [InlineData(Signals.Terminate)]
    public void StopSignal_MidEpoch_SavesLoadableCheckpointAndExits130(int signal)
    {
        using var process = TestApp.Start(_work.Path, ["fit", "--trainer.max_epochs=50", "--model.step_delay_ms=10", "--events", "events.jsonl", .. Quiet]);
        // The epoch's last.ckpt is saved after on_train_epoch_end (Lightning's order), so wait for it, not for epoch_end.
        TestApp.WaitForEvents(_work.Combine("events.jsonl"), lines => lines.FindIndex(l => l.Contains("\"epoch_end\"", StringComparison.Ordinal)) is var end and >= 0 &&
            lines.Skip(end).Any(l => l.Contains("last.ckpt", StringComparison.Ordinal)), process, TimeSpan.FromMinutes(2));
        Thread.Sleep(50);
        Signals.Send(process.Id, signal);
        var run = TestApp.Collect(process, TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 130, run.Output);
        var last = _work.Combine("lightning_logs", "version_0", "checkpoints", "last.ckpt");
        var progress = CheckpointFile.Read(last).State["progress"]!;
        Assert.True(progress["global_step"]!.GetValue<long>() > 16);
        Assert.Contains("status: KILLED", File.ReadAllText(_work.Combine("lightning_logs", "version_0", "status.yaml")));
        Assert.Contains("\"status\":\"KILLED\"", File.ReadLines(_work.Combine("events.jsonl")).Last());
    }

    [Fact]
    public void Sigusr1_SavesACheckpointAndKeepsTraining()
    {
        using var process = TestApp.Start(_work.Path, ["fit", "--trainer.max_epochs=4", "--model.step_delay_ms=5", "--events", "events.jsonl",
            "--callbacks.model_checkpoint.enabled=false", .. Quiet]);
        TestApp.WaitForEvents(_work.Combine("events.jsonl"), lines => lines.Exists(l => l.Contains("\"epoch_end\"", StringComparison.Ordinal)), process, TimeSpan.FromMinutes(2));
        Signals.Send(process.Id, Signals.User1);
        var run = TestApp.Collect(process, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.Output);
        var saved = CheckpointFile.Read(_work.Combine("lightning_logs", "version_0", "checkpoints", "last.ckpt")).State["progress"]!;
        Assert.InRange(saved["global_step"]!.GetValue<long>(), 17, 63);
        Assert.Contains("\"status\":\"FINISHED\"", File.ReadLines(_work.Combine("events.jsonl")).Last());
    }

    [Fact]
    public void SigkillMidEpoch_ResumeFromLast_EndsBitwiseEqualToAnUninterruptedRun()
    {
        string[] training = ["fit", "--trainer.max_epochs=3", "--callbacks.model_checkpoint.every_n_train_steps=4", .. Quiet];
        using var reference = new TempDirectory();
        var straight = TestApp.Run(reference.Path, training);
        Assert.True(straight.ExitCode == 0, straight.Output);

        using (var process = TestApp.Start(_work.Path, [.. training, "--model.step_delay_ms=25", "--events", "events.jsonl"]))
        {
            // The first checkpoint event after epoch 0 ends is the step-20 save, in the middle of epoch 1.
            TestApp.WaitForEvents(_work.Combine("events.jsonl"), lines =>
            {
                var epochEnd = lines.FindIndex(l => l.Contains("\"epoch_end\"", StringComparison.Ordinal));
                return epochEnd >= 0 && lines.Skip(epochEnd).Any(l => l.Contains("last.ckpt", StringComparison.Ordinal));
            }, process, TimeSpan.FromMinutes(2));
            Signals.Send(process.Id, Signals.Kill);
            process.WaitForExit();
        }
        var interrupted = CheckpointFile.Read(_work.Combine("lightning_logs", "version_0", "checkpoints", "last.ckpt")).State["progress"]!;
        var batch = interrupted["batch_in_epoch"]!.GetValue<long>();
        Assert.True(interrupted["epoch"]!.GetValue<int>() == 1 && batch is > 0 and < 16, $"the kill landed outside the middle of epoch 1: {interrupted}");

        var resumed = TestApp.Run(_work.Path, [.. training, "--ckpt-path", "last"]);
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Equal(
            Weights(Path.Combine(reference.Path, "lightning_logs", "version_0", "checkpoints", "last.ckpt")),
            Weights(_work.Combine("lightning_logs", "version_1", "checkpoints", "last.ckpt")));
    }

    private static byte[] Weights(string checkpoint)
    {
        using var archive = ZipFile.OpenRead(checkpoint);
        using var stream = archive.GetEntry("model.safetensors")!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
