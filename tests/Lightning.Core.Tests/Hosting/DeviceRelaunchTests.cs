using Lightning.Core.Callbacks;
using Lightning.Hosting;
using Lightning.Hosting.Processes;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Hosting;

/// <summary>
/// <c>--trainer.devices=2</c> given to a plain <c>dotnet app.dll fit</c>: the app starts itself as two ranks under
/// mpirun and the job records one run, as a user starting it by hand under mpirun would get.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class DeviceRelaunchTests
{
    private static readonly string[] Quiet = ["--trainer.enable_model_summary=false", "--trainer.seed=123", "--trainer.threads=1"];

    [Fact]
    public void Fit_TwoDevicesFromAPlainProcess_TrainsAsTwoRanksIntoOneRunWithoutDuplicatedMetrics()
    {
        MpiRuntime.EnsureInstalled();
        using var work = new TempDirectory();
        var run = TestApp.Run(work.Path,
            ["fit", "--trainer.devices=2", "--trainer.strategy=ddp", "--trainer.max_epochs=2", "--data.say_prepared=true", .. Quiet],
            new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" });
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output);
        Assert.StartsWith("Training on 2 devices: starting 2 processes under mpirun;", run.Output, StringComparison.Ordinal);
        // As Lightning's prepare_data: one rank of the node prepares the data, the other waits for it.
        Assert.Single(run.Output.Split('\n'), l => l.StartsWith("PrepareData ran.", StringComparison.Ordinal));
        // One process takes 16 steps an epoch (AppProcessTests); two ranks share each epoch's samples, 8 steps each.
        Assert.Contains("Epoch 2/2 step 16:", run.Output, StringComparison.Ordinal);

        var version = Assert.Single(Directory.GetDirectories(work.Combine("lightning_logs")));
        var hparams = File.ReadAllText(Path.Combine(version, "hparams.yaml"));
        Assert.Contains("world_size: 2", hparams, StringComparison.Ordinal);
        Assert.Contains("trainer/devices: 2", hparams, StringComparison.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(version, "metrics.csv"));
        var header = rows[0].Split(',');
        // A step's values and its validation's are rows of their own, each with the epoch: only the metrics must be unique.
        foreach (var column in Enumerable.Range(1, header.Length - 1).Where(c => header[c] != "epoch"))
        {
            var steps = rows.Skip(1).Select(r => r.Split(',')).Where(r => r[column].Length > 0).Select(r => r[0]).ToList();
            Assert.True(steps.Count == steps.Distinct().Count(), $"{header[column]} is logged twice at a step:\n{string.Join('\n', rows)}");
        }
    }

    [Fact]
    public void Fit_TwoDevices_PrepareDataFailsOnTheRankThatRunsIt_BothRanksEndSayingItOnce()
    {
        MpiRuntime.EnsureInstalled();
        using var work = new TempDirectory();
        // TestApp.Collect's timeout is what would catch a rank left waiting for the one that prepares the data.
        var run = TestApp.Run(work.Path, ["fit", "--trainer.devices=2", "--data.fail_prepare=true", .. Quiet],
            new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" });
        Assert.True(run.ExitCode != ExitCodes.Finished, run.Output);
        Assert.Single(run.Output.Split('\n'), l => l.Contains("The sample download failed: no network.", StringComparison.Ordinal));
    }

    [Fact]
    public void CtrlC_ToTheRelaunchingProcess_StopsBothRanksAtOneStepWithACheckpoint_Exit130_AndPlainOutput()
    {
        MpiRuntime.EnsureInstalled();
        using var work = new TempDirectory();
        // The fit's end takes 3 s: mpirun, if it were the one asked to stop, would SIGKILL the ranks a second after its SIGTERM.
        using var process = TestApp.Start(work.Path,
            ["fit", "--trainer.devices=2", "--trainer.max_epochs=500", "--model.step_delay_ms=10", "--model.end_delay_ms=3000",
                "--trainer.log_every_n_steps=1", .. Quiet],
            new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" });
        // Mid-run: rank 0 writes a metrics row per step.
        TestApp.WaitForEvents(work.Combine("lightning_logs", "version_0", "metrics.csv"),
            lines => lines.Exists(l => l.StartsWith("20,", StringComparison.Ordinal)), process, TimeSpan.FromMinutes(2));
        Signals.Send(process.Id, Signals.Interrupt);
        var run = TestApp.Collect(process, TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == ExitCodes.Interrupted, run.Output);
        // Said once (rank 0 speaks for both), with no terminal escape codes although Open MPI gives ranks a pty.
        var said = run.Output.Split('\n');
        Assert.Single(said, l => l.StartsWith("Interrupted during epoch", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', run.Output);
        // The ranks end an agreed stop with 0 for mpirun, which then prints no banner about a failed job.
        Assert.DoesNotContain("Primary job", run.Output + run.Error, StringComparison.Ordinal);
        var last = work.Combine("lightning_logs", "version_0", "checkpoints", "last.ckpt");
        Assert.True(Core.Checkpoints.CheckpointFile.Read(last).State["progress"]!["global_step"]!.GetValue<long>() >= 20, run.Output);
    }

    [Fact]
    public void Fit_TwoDevices_Rank1Killed_TheJobEndsNonZeroAndItsMlflowRunIsKilledNotLeftRunning()
    {
        MpiRuntime.EnsureInstalled();
        using var work = new TempDirectory();
        var environment = new Dictionary<string, string>(TestApp.Mlflow) { ["OMP_NUM_THREADS"] = "1" };
        using var process = TestApp.Start(work.Path, ["fit", "--trainer.devices=2", "--trainer.max_epochs=500", "--model.step_delay_ms=10",
            "--events", work.Combine("events.jsonl"), .. Quiet], environment);
        TestApp.WaitForEvents(work.Combine("events.jsonl"), lines => lines.Count(l => l.Contains("\"epoch_end\"", StringComparison.Ordinal)) >= 2,
            process, TimeSpan.FromMinutes(2));
        // Rank 0 now waits in a collective for a rank that will never come; mpirun sends it SIGTERM, then SIGKILL.
        Assert.True(ProcessSignals.Send(RankOf(work.Path, 1), ProcessSignals.Kill));
        var run = TestApp.Collect(process, TimeSpan.FromSeconds(30));

        Assert.True(run.ExitCode != ExitCodes.Finished, run.Output);
        Assert.Contains("rank 1", run.Output, StringComparison.Ordinal);
        Assert.Contains("the run is recorded as KILLED", run.Error, StringComparison.Ordinal);
        var meta = Assert.Single(Directory.GetFiles(work.Combine("mlruns"), "meta.yaml", SearchOption.AllDirectories),
            f => File.ReadAllText(f).Contains("run_id:", StringComparison.Ordinal));
        var fields = File.ReadAllLines(meta);
        Assert.Contains("status: 5", fields); // KILLED in MLflow's file store
        Assert.DoesNotContain("end_time: null", fields);
    }

    [Fact]
    public void Fit_TwoDevices_Rank1Throws_TheJobEndsNonZeroAndItsMlflowRunIsFailedWithRank1sMessage()
    {
        MpiRuntime.EnsureInstalled();
        using var work = new TempDirectory();
        var environment = new Dictionary<string, string>(TestApp.Mlflow) { ["OMP_NUM_THREADS"] = "1" };
        // Rank 0 then waits in the step's all-reduce for rank 1, which ends the job; only a note can tell rank 0 why.
        var run = TestApp.Run(work.Path, ["fit", "--trainer.devices=2", "--trainer.max_epochs=5", "--model.fail_on_rank=1",
            "--model.fail_at_step=12", .. Quiet], environment);

        Assert.True(run.ExitCode != ExitCodes.Finished, run.Output);
        // Worded as a one-process failure is: the user's method, the message, and the trace kept in a log file.
        var failure = Assert.Single(run.Error.Split('\n'), l => l.StartsWith("Rank 1 of 2 failed: ", StringComparison.Ordinal))
            .Replace(" Ending every rank of the job.", "", StringComparison.Ordinal);
        Assert.StartsWith("Rank 1 of 2 failed: TinyModule.TrainingStep (fit): The training step of rank 1 broke at step 12. The full trace is in ",
            failure, StringComparison.Ordinal);
        var log = failure[(failure.IndexOf(" is in ", StringComparison.Ordinal) + " is in ".Length)..^1];
        Assert.Contains("InvalidOperationException", File.ReadAllText(log), StringComparison.Ordinal);
        Assert.Contains("Rank 1 failed (its message is above); the run is recorded as FAILED with it.", run.Output, StringComparison.Ordinal);
        AssertFailedWith(work.Path, failure);
    }

    [Fact]
    public void Fit_UnderMpich_Rank1Throws_TheMlflowRunIsFailedWithItsMessageThoughHydraKillsRank0AtOnce()
    {
        using var work = new TempDirectory();
        var job = MpiRuntime.RunMpich(2, TestApp.Dll, ["fit", "--trainer.max_epochs=5", "--model.fail_on_rank=1", "--model.fail_at_step=12",
                $"--trainer.default_root_dir={work.Path}", $"--tracking.uri={new Uri(work.Combine("mlruns"))}", .. Quiet],
            new Dictionary<string, string>(TestApp.Mlflow) { ["LIGHTNING_MPI_LIB"] = "libmpich.so.12" });

        Assert.True(job.ExitCode != 0, job.Output);
        AssertFailedWith(work.Path, "Rank 1 of 2 failed: TinyModule.TrainingStep (fit): The training step of rank 1 broke at step 12.");
    }

    private static void AssertFailedWith(string work, string message)
    {
        var meta = Assert.Single(Directory.GetFiles(Path.Combine(work, "mlruns"), "meta.yaml", SearchOption.AllDirectories),
            f => File.ReadAllText(f).Contains("run_id:", StringComparison.Ordinal));
        Assert.Contains("status: 4", File.ReadAllLines(meta)); // FAILED in MLflow's file store
        var note = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(meta)!, "mlflow.note.content", SearchOption.AllDirectories));
        Assert.StartsWith(message, File.ReadAllText(note), StringComparison.Ordinal);
        // Read once and removed: a later job in the folder never reads it as its own.
        Assert.Empty(Directory.GetFiles(work, "*.failed", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(work, "*.recorded", SearchOption.AllDirectories));
    }

    // The pid of one rank of this test's job: the process whose Open MPI rank variable says so and whose working
    // directory is this test's (other tests may run jobs of their own at the same time).
    private static int RankOf(string workingDirectory, int rank)
    {
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid)) continue;
            try
            {
                if (new DirectoryInfo(Path.Combine(folder, "cwd")).ResolveLinkTarget(returnFinalTarget: true)?.FullName != workingDirectory) continue;
                var variables = File.ReadAllText(Path.Combine(folder, "environ")).Split('\0');
                if (variables.Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // A process that ended meanwhile, or one of another user.
            }
        }
        throw new InvalidOperationException($"No rank {rank} runs in {workingDirectory}.");
    }

    [Fact]
    public void Fit_TwoNodesFromAPlainProcess_IsRefusedNamingTheArgumentItCameFrom()
    {
        using var work = new TempDirectory();
        var run = TestApp.Run(work.Path, ["fit", "--trainer.devices=2", "--trainer.num_nodes=2", .. Quiet]);
        Assert.True(run.ExitCode == ExitCodes.Usage, run.Output);
        Assert.Contains("'trainer.num_nodes' (from --trainer.num_nodes)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_UnderMpirunWithADisagreeingDeviceCount_IsRefusedOnceNamingTheArgument()
    {
        MpiRuntime.EnsureInstalled();
        using var work = new TempDirectory();
        var job = MpiRuntime.RunOpenMpi(2, TestApp.Dll, ["fit", "--trainer.devices=3", .. Quiet],
            new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" });
        Assert.True(job.ExitCode != 0, job.Output);
        // Both ranks refuse; rank 0 alone says so.
        Assert.Single(job.Output.Split('\n'), l => l.Contains("'trainer.devices' (from --trainer.devices)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--ckpt-path", "nosuch.ckpt", "Checkpoint '")]
    [InlineData("--trainer.accelerator", "cuda", "Invalid value 'cuda' for 'trainer.accelerator' (from --trainer.accelerator)")]
    public void Fit_TwoDevicesWithWhatEveryRankWouldRefuse_IsRefusedOnceBeforeMpirunStarts(string option, string value, string error)
    {
        MpiRuntime.EnsureInstalled();
        using var work = new TempDirectory();
        var run = TestApp.Run(work.Path, ["fit", "--trainer.devices=2", option, value, .. Quiet],
            new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" });
        Assert.True(run.ExitCode == ExitCodes.Usage, run.Output + run.Error);
        Assert.Single(run.Error.Split('\n'), l => l.StartsWith(error, StringComparison.Ordinal));
        // Refused by the process that would start mpirun, so no job started and mpirun has nothing to report.
        Assert.DoesNotContain("mpirun", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Primary job", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_UnderRawMpirunWithPipedOutput_PrintsPlainLinesNotALiveBar()
    {
        using var work = new TempDirectory();
        // Open MPI gives each rank a pseudo-terminal although mpirun's own output here is a pipe.
        var job = MpiRuntime.RunOpenMpi(2, TestApp.Dll, ["fit", "--trainer.max_epochs=1", $"--trainer.default_root_dir={work.Path}", .. Quiet],
            new Dictionary<string, string> { [ProgressModeSetting.Variable] = "" });
        Assert.True(job.ExitCode == 0, job.Output);
        Assert.Contains("Epoch 1/1 step 8:", job.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', job.Output);
        Assert.DoesNotContain('\r', job.Output);
    }

    [Fact]
    public void Fit_UnderMpirunOnOneNodeWithNumNodes2_IsRefusedOnceNamingTheArgument()
    {
        var job = MpiRuntime.RunOpenMpi(2, TestApp.Dll, ["fit", "--trainer.num_nodes=2", .. Quiet]);
        Assert.True(job.ExitCode != 0, job.Output);
        Assert.Single(job.Output.Split('\n'), l => l.Contains(
            "'trainer.num_nodes' (from --trainer.num_nodes): the launcher started the 2 processes on 1 node", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WithTwoDevices_SaysItRunsInOneProcess()
    {
        using var work = new TempDirectory();
        var run = TestApp.Run(work.Path, ["validate", "--trainer.devices=2", .. Quiet]);
        Assert.True(run.ExitCode == ExitCodes.Finished, run.Output + run.Error);
        Assert.Contains("'validate' runs in this one process: trainer.devices 2 applies to fit only.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_TwoDevicesWithoutMpirun_SaysWhichPackageToInstall()
    {
        using var work = new TempDirectory();
        // Only dotnet's own folder on PATH: no mpirun.
        var path = Path.GetDirectoryName(Path.GetFullPath(ResolveDotnet()))!;
        var run = TestApp.Run(work.Path, ["fit", "--trainer.devices=2", .. Quiet], new Dictionary<string, string> { ["PATH"] = path });
        Assert.True(run.ExitCode == ExitCodes.Usage, run.Output);
        Assert.Contains("trainer.devices", run.Error, StringComparison.Ordinal);
        Assert.Contains("apt-get install openmpi-bin", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(work.Combine("lightning_logs")), "A run started although the job could not.");
    }

    private static string ResolveDotnet() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, "dotnet"))
        .Where(File.Exists).Select(f => new FileInfo(f).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? f).First();
}
