using System.Globalization;
using System.Runtime.InteropServices;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Distributed;

/// <summary>
/// The Trainer's ddp strategy on two Open MPI ranks of tests/Lightning.MpiProbe ("ddp-fit"): the ranks start from
/// different weights and must end where one process ends when fed the union of their shards, batch by batch.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class DataParallelFitTests
{
    private static string Probe => Repository.Built(Path.Combine("tests", "Lightning.MpiProbe"), "Lightning.MpiProbe.dll");

    [Theory]
    [InlineData(1, "0", "narrow")]
    [InlineData(2, "0", "narrow")]
    [InlineData(2, "0.1", "narrow")]
    // A weight of 8x8192 is all-reduced in place, the rest through the bucket.
    [InlineData(2, "0.1", "wide")]
    public void Fit_TwoRanksOfBatch32For50Steps_EndWhereOneRankFedTheUnionOfBothShardsEnds(int accumulate, string clip, string width)
    {
        using var folder = new TempDirectory();
        string[] arguments = ["ddp-fit", folder.Path, "ddp", accumulate.ToString(CultureInfo.InvariantCulture), clip, width];
        var ranks = MpiRuntime.RunOpenMpi(2, Probe, arguments);
        Assert.True(ranks.ExitCode == 0, ranks.Output);
        Assert.Contains("rank=0 fitted=steps 50 world 2", ranks.Output, StringComparison.Ordinal);
        Assert.Contains("rank=1 fitted=steps 50 world 2", ranks.Output, StringComparison.Ordinal);
        var reference = ChildProcess.Run(Repository.Root, "dotnet", [Probe, .. arguments[..2], "reference", .. arguments[3..]],
            new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" }, timeout: TimeSpan.FromMinutes(3));
        Assert.True(reference.ExitCode == 0, reference.Output);

        var rank0 = Weights(folder.Combine("weights-rank0.bin"));
        var rank1 = Weights(folder.Combine("weights-rank1.bin"));
        var single = Weights(folder.Combine("weights-reference.bin"));
        Assert.Equal(rank0, rank1);
        Assert.Equal(single.Length, rank0.Length);
        var error = rank0.Zip(single, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(error <= 1e-5, $"Max abs difference from the one-process reference is {error}.");
    }

    [Fact]
    public void Fit_TwoMpichRanks_EndBitwiseWhereTwoOpenMpiRanksEnd()
    {
        using var folder = new TempDirectory();
        var mpich = MpiRuntime.RunMpich(2, Probe, ["ddp-fit", folder.Combine("mpich"), "ddp", "1", "0"],
            new Dictionary<string, string> { ["LIGHTNING_MPI_LIB"] = "libmpich.so.12" });
        Assert.True(mpich.ExitCode == 0, mpich.Output);
        Assert.Contains("rank=1 fitted=steps 50 world 2", mpich.Output, StringComparison.Ordinal);
        var openMpi = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", folder.Combine("openmpi"), "ddp", "1", "0"]);
        Assert.True(openMpi.ExitCode == 0, openMpi.Output);
        // Two ranks sum in one order whatever the library, so the weights agree to the bit.
        Assert.Equal(Weights(folder.Combine("openmpi", "weights-rank0.bin")), Weights(folder.Combine("mpich", "weights-rank0.bin")));
        Assert.Equal(Weights(folder.Combine("mpich", "weights-rank0.bin")), Weights(folder.Combine("mpich", "weights-rank1.bin")));
    }

    [Fact]
    public void Fit_TwoRanksWithATracker_RecordOneRunWithTheWorldSizeAndOneSetOfCheckpoints()
    {
        using var folder = new TempDirectory();
        var ranks = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", folder.Path, "ddp", "1", "0", "tracked"]);
        Assert.True(ranks.ExitCode == 0, ranks.Output);

        var run = Assert.Single(Directory.GetDirectories(folder.Combine("lightning_logs")));
        var hparams = File.ReadAllText(Path.Combine(run, "hparams.yaml"));
        Assert.Contains("world_size: 2", hparams, StringComparison.Ordinal);
        Assert.Contains("trainer/strategy: ddp", hparams, StringComparison.Ordinal);
        var checkpoints = Directory.GetFiles(folder.Path, "*.ckpt", SearchOption.AllDirectories);
        Assert.NotEmpty(checkpoints);
        Assert.All(checkpoints, path => Assert.StartsWith(run + Path.DirectorySeparatorChar, path, StringComparison.Ordinal));
        Assert.False(Directory.Exists(folder.Combine("root")), "A rank other than 0 wrote under default_root_dir.");
    }

    [Fact]
    public void Fit_TwoRanksWithATracker_LogTheLossesAndAccuracyOfBothShards()
    {
        using var folder = new TempDirectory();
        var ranks = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", folder.Combine("ddp"), "ddp", "1", "0", "tracked"]);
        Assert.True(ranks.ExitCode == 0, ranks.Output);
        var reference = ChildProcess.Run(Repository.Root, "dotnet", [Probe, "ddp-fit", folder.Combine("one"), "reference", "1", "0", "tracked"],
            new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" }, timeout: TimeSpan.FromMinutes(3));
        Assert.True(reference.ExitCode == 0, reference.Output);

        // train_loss is a step value logged with SyncDist; the validation values are epoch values and a metric object.
        foreach (var column in new[] { "train_loss", "val_loss", "val_acc" })
        {
            var logged = ColumnValues(folder.Combine("ddp"), column);
            var expected = ColumnValues(folder.Combine("one"), column);
            Assert.Equal(expected.Count, logged.Count);
            Assert.All(logged.Zip(expected), pair => Assert.Equal(pair.Second, pair.First, 1e-5));
        }
    }

    [Fact]
    public void Fit_OneRankAsksToStop_EveryRankStopsAtThatStep()
    {
        using var folder = new TempDirectory();
        var ranks = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", folder.Path, "ddp", "1", "0", "stop-on-rank1"]);
        Assert.True(ranks.ExitCode == 0, ranks.Output);
        Assert.Contains("rank=0 stopped=Another rank asked to stop.", ranks.Output, StringComparison.Ordinal);
        Assert.Contains("rank=1 stopped=Rank 1 asked to stop at step 10.", ranks.Output, StringComparison.Ordinal);
        Assert.Contains("rank=0 fitted=steps 10 world 2", ranks.Output, StringComparison.Ordinal);
        Assert.Contains("rank=1 fitted=steps 10 world 2", ranks.Output, StringComparison.Ordinal);
    }

    // The values of one metric column of the run's metrics.csv, in step order.
    private static List<double> ColumnValues(string folder, string column)
    {
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(folder, "lightning_logs")));
        var lines = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        var index = Array.IndexOf(lines[0].Split(','), column);
        Assert.True(index >= 0, $"metrics.csv has no {column} column: {lines[0]}");
        return [.. lines.Skip(1).Select(l => l.Split(',')[index]).Where(v => v.Length > 0)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
    }

    private static float[] Weights(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
}
