using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Lightning.Core.Checkpoints;
using Lightning.Hosting.Processes;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Distributed;

/// <summary>
/// A rank of a two-rank Open MPI job (tests/Lightning.MpiProbe, "ddp-fit") that throws or is killed must end the whole
/// job, not leave the other rank waiting in a collective; the last collective checkpoint must still resume exactly.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed partial class DataParallelFaultTests
{
    private static string Probe => Repository.Built(Path.Combine("tests", "Lightning.MpiProbe"), "Lightning.MpiProbe.dll");

    [Fact]
    public void Fit_Rank1ThrowsInATrainingStep_TheJobEndsNonZeroNamingRank1()
    {
        using var folder = new TempDirectory();
        // Rank 0 is by then waiting in the step's gradient all-reduce, which rank 1 never joins: without an abort this hangs.
        var job = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", folder.Path, "ddp", "1", "0", "throw-on-rank1"]);
        Assert.True(job.ExitCode != 0, job.Output);
        Assert.Contains("Rank 1 of 2 failed: The training step of rank 1 broke at step 10.", job.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fitted=", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_Rank1KilledMidEpoch_TheJobEndsNonZeroNamingItAndLastCheckpointResumesBitwise()
    {
        using var folder = new TempDirectory();
        var killed = folder.Combine("killed");
        Stopwatch? sinceKill = null;
        var job = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", killed, "ddp", "1", "0", "tracked", "kill-me", "rank-noise"], onLine: line =>
        {
            if (PidLine().Match(line) is not { Success: true } match || sinceKill is not null) return;
            sinceKill = Stopwatch.StartNew();
            Assert.True(ProcessSignals.Send(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), ProcessSignals.Kill));
        });
        var ended = sinceKill?.Elapsed;
        Assert.True(ended is not null, "Rank 1 never reached step 40:\n" + job.Output);
        Assert.True(job.ExitCode != 0, job.Output);
        Assert.True(ended < TimeSpan.FromSeconds(30), $"The job outlived its killed rank by {ended}:\n{job.Output}");
        Assert.Matches("rank 1 .*(signal 9|Killed)", job.Output);

        // Epochs are 16 steps: the kill at step 40 leaves the epoch-end save of step 32, which must read back whole and,
        // as rank 1 draws differently from rank 0 (rank-noise), resume each rank's own generator.
        var last = Assert.Single(Directory.GetFiles(killed, "last.ckpt", SearchOption.AllDirectories));
        Assert.Equal(32, CheckpointFile.Read(last).State["progress"]!["global_step"]!.GetValue<long>());

        var resumed = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", killed, "ddp", "1", "0", "resume", "max-steps=60", "rank-noise"]);
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        var whole = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", folder.Combine("whole"), "ddp", "1", "0", "max-steps=60", "rank-noise"]);
        Assert.True(whole.ExitCode == 0, whole.Output);
        foreach (var rank in new[] { 0, 1 })
            Assert.Equal(File.ReadAllBytes(folder.Combine("whole", $"weights-rank{rank}.bin")),
                File.ReadAllBytes(Path.Combine(killed, $"weights-rank{rank}.bin")));
    }

    [GeneratedRegex(@"rank=1 pid=(\d+) step=40")]
    private static partial Regex PidLine();
}
