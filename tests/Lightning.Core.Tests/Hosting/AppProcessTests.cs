using Lightning.TestSupport;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Lightning.Core.Checkpoints;
using Lightning.Core.Tests.Support;
using Lightning.Hosting;

namespace Lightning.Core.Tests.Hosting;

/// <summary>The app host as users run it: a real child process, real files, real signals.</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
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
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output);
        Assert.Contains("Epoch 2/2 step 32:", run.Output);
        var events = File.ReadAllLines(_work.Combine("events.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        var driverEvents = EventsReader.ReadAll(_work.Combine("events.jsonl"));
        Assert.IsType<RunStarted>(driverEvents[0]);
        Assert.Equal(2, driverEvents.OfType<EpochEnded>().Count());
        Assert.Contains(driverEvents, e => e is CheckpointSaved saved && saved.Path.EndsWith("last.ckpt", StringComparison.Ordinal));
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
    [InlineData("--trainer.val_check_interval=100000", "trainer.val_check_interval", "check_val_every_n_epoch to null")]
    [InlineData("--trainer.val_check_interval=100000", "trainer.val_check_interval", "(from --trainer.val_check_interval)")]
    public void BadConfig_Exits2NamingTheKey(string argument, string key, string detail)
    {
        var run = Run("fit", argument);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(key, run.Error);
        Assert.Contains(detail, run.Error);
        Assert.False(Directory.Exists(_work.Combine("lightning_logs")), "nothing may start on a config error");
    }

    [Fact]
    public void UnknownCommand_Exits2()
    {
        var run = Run("fitt");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public void NonFiniteLoss_Exits1NamingTheStep()
    {
        var run = Run("fit", "--model.nan_from_step=3", "--events", "events.jsonl");
        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("at global step 3", run.Error);
        Assert.Contains("\"status\":\"FAILED\"", File.ReadLines(_work.Combine("events.jsonl")).Last());
        Assert.Contains("status: FAILED", File.ReadAllText(_work.Combine("lightning_logs", "version_0", "status.yaml")));
    }

    [Fact]
    public void EmptyLoader_FailsNamingTheLoader()
    {
        var run = Run("fit", "--data.samples=0");
        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("train loader of TinyDataModule yields no batches", run.Error);
    }

    [Fact]
    public void TruncatedCheckpoint_Exits2NamingTheFile()
    {
        var broken = _work.Combine("broken.ckpt");
        File.WriteAllBytes(broken, [0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
        var run = Run("fit", "--ckpt-path", broken);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(broken, run.Error);
        Assert.Contains("truncated", run.Error);
    }

    [Fact]
    public void ValidateTestPredict_UseTheTrainedCheckpoint()
    {
        Assert.Equal(ExitCodes.Finished, Run("fit", "--trainer.max_epochs=1").ExitCode);
        var validate = Run("validate", "--ckpt-path", "last");
        Assert.True(validate.ExitCode == ExitCodes.Finished, validate.Output);
        Assert.Contains("val_acc = ", validate.Output);
        var test = Run("test", "--ckpt-path", "best");
        Assert.True(test.ExitCode == ExitCodes.Finished, test.Output);
        Assert.Contains("test_loss = ", test.Output);
        Assert.Contains($"Using the weights of {Path.Combine("lightning_logs", "version_0", "checkpoints")}", test.Output);
        var predict = Run("predict", "--ckpt-path", "last", "--predictions", "out.safetensors");
        Assert.True(predict.ExitCode == ExitCodes.Finished, predict.Output);
        Assert.Contains("Saved 64 predictions", predict.Output);
    }

    [Fact]
    public void PrintConfig_ShowsEverySectionWithOverrides()
    {
        File.WriteAllText(_work.Combine("lightning.yaml"), "model:\n  hidden: 32\n");
        var run = Run("print-config", "--data.batch_size=8");
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output);
        Assert.Contains("hidden: 32", run.Output);
        Assert.Contains("batch_size: 8", run.Output);
        Assert.Contains("model_checkpoint:", run.Output);
    }

    [Theory]
    [InlineData(Signals.Interrupt)]
    [InlineData(Signals.Terminate)]
    public void StopSignal_MidEpoch_SavesLoadableCheckpointAndExits130(int signal)
    {
        using var process = TestApp.Start(_work.Path,
            ["fit", "--trainer.max_epochs=50", "--model.step_delay_ms=10", "--trainer.log_every_n_steps=1", "--events", "events.jsonl", .. Quiet]);
        // Mid-epoch: metrics.csv has a row per step, and epoch 0 is steps 1 to 16.
        TestApp.WaitForEvents(_work.Combine("lightning_logs", "version_0", "metrics.csv"), lines => lines.Exists(l => StepOf(l) > 18), process,
            TimeSpan.FromMinutes(2));
        Signals.Send(process.Id, signal);
        var run = TestApp.Collect(process, TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == ExitCodes.Interrupted, run.Output);
        var last = _work.Combine("lightning_logs", "version_0", "checkpoints", "last.ckpt");
        var progress = CheckpointFile.Read(last).State["progress"]!;
        Assert.True(progress["global_step"]!.GetValue<long>() > 16);
        // Epochs count from 1 in what users read, as in the progress lines; the checkpoint keeps the 0-based position.
        Assert.Contains($"Interrupted during epoch {progress["epoch"]!.GetValue<int>() + 1} at step {progress["global_step"]!.GetValue<long>()}; " +
            "resume with --ckpt-path last.", run.Output);
        Assert.Contains("status: KILLED", File.ReadAllText(_work.Combine("lightning_logs", "version_0", "status.yaml")));
        Assert.Contains("\"status\":\"KILLED\"", File.ReadLines(_work.Combine("events.jsonl")).Last());
    }

    [Fact]
    public void Sigusr1_SavesACheckpointAndKeepsTraining()
    {
        using var process = TestApp.Start(_work.Path, ["fit", "--trainer.max_epochs=4", "--model.step_delay_ms=5", "--events", "events.jsonl",
            "--callbacks.model_checkpoint.enabled=false", .. Quiet]);
        TestApp.WaitForEvents(_work.Combine("events.jsonl"),
            _ => EventsReader.ReadAll(_work.Combine("events.jsonl")).OfType<EpochEnded>().Any(), process, TimeSpan.FromMinutes(2));
        Signals.Send(process.Id, Signals.User1);
        var run = TestApp.Collect(process, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output);
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
        Assert.True(straight.ExitCode == ExitCodes.Finished, straight.Output);

        using (var process = TestApp.Start(_work.Path, [.. training, "--model.step_delay_ms=25", "--events", "events.jsonl"]))
        {
            // The first checkpoint event after epoch 0 ends is the step-20 save, in the middle of epoch 1.
            TestApp.WaitForEvents(_work.Combine("events.jsonl"), _ =>
            {
                var events = EventsReader.ReadAll(_work.Combine("events.jsonl")).ToList();
                var epochEnd = events.FindIndex(e => e is EpochEnded);
                return epochEnd >= 0
                    && events.Skip(epochEnd).Any(e => e is CheckpointSaved saved && saved.Path.Contains("last.ckpt", StringComparison.Ordinal));
            }, process, TimeSpan.FromMinutes(2));
            Signals.Send(process.Id, Signals.Kill);
            process.WaitForExit();
        }
        var interrupted = CheckpointFile.Read(_work.Combine("lightning_logs", "version_0", "checkpoints", "last.ckpt")).State["progress"]!;
        var batch = interrupted["batch_in_epoch"]!.GetValue<long>();
        Assert.True(interrupted["epoch"]!.GetValue<int>() == 1 && batch is > 0 and < 16,
            $"the kill landed outside the middle of epoch 1: {interrupted}");

        var resumed = TestApp.Run(_work.Path, [.. training, "--ckpt-path", "last"]);
        Assert.True(resumed.ExitCode == ExitCodes.Finished, resumed.Output);
        Assert.Contains($"Resuming from {Path.Combine("lightning_logs", "version_0", "checkpoints", "last.ckpt")}.", resumed.Output);
        Assert.Equal(
            Weights(Path.Combine(reference.Path, "lightning_logs", "version_0", "checkpoints", "last.ckpt")),
            Weights(_work.Combine("lightning_logs", "version_1", "checkpoints", "last.ckpt")));
    }

    /// <summary>The step of a metrics.csv row (its first column); -1 for the header or a partly written line.</summary>
    private static long StepOf(string row) =>
        long.TryParse(row.AsSpan(0, Math.Max(0, row.IndexOf(','))), System.Globalization.CultureInfo.InvariantCulture, out var step) ? step : -1;

    private static byte[] Weights(string checkpoint)
    {
        using var archive = ZipFile.OpenRead(checkpoint);
        using var stream = archive.GetEntry("model.safetensors")!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
