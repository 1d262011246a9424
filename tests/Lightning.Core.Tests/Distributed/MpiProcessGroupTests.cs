using System.Text.RegularExpressions;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Distributed;

/// <summary>
/// Two ranks of tests/Lightning.MpiProbe under Open MPI's and MPICH's launchers: the probe prints what each collective
/// left in its buffers, these tests work out what it must be.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed partial class MpiProcessGroupTests
{
    private static string Probe => Repository.Built(Path.Combine("tests", "Lightning.MpiProbe"), "Lightning.MpiProbe.dll");

    [Fact]
    public void Collectives_TwoRanksOnOpenMpi_CombineEveryRanksBuffer()
    {
        var result = MpiRuntime.RunOpenMpi(2, Probe, []);
        AssertCollectives(result, "libmpi.so.40 (Open MPI)");
    }

    [Fact]
    public void Collectives_TwoRanksOnMpichChosenByLightningMpiLib_CombineEveryRanksBuffer()
    {
        var result = MpiRuntime.RunMpich(2, Probe, [], new Dictionary<string, string> { ["LIGHTNING_MPI_LIB"] = "libmpich.so.12" });
        AssertCollectives(result, "libmpich.so.12 (MPICH)");
    }

    [Fact]
    public void Start_LaunchedWithAMissingMpiLibrary_FailsWithOneSentenceNamingThePackages()
    {
        var result = MpiRuntime.RunOpenMpi(2, Probe, [], new Dictionary<string, string> { ["LIGHTNING_MPI_LIB"] = "/nonexistent/libmpi.so" });
        Assert.NotEqual(0, result.ExitCode);
        const string Sentence =
            "The MPI library '/nonexistent/libmpi.so' named by LIGHTNING_MPI_LIB could not be loaded: install Open MPI " +
            "(apt-get install openmpi-bin) or MPICH (apt-get install mpich), or set LIGHTNING_MPI_LIB to the library's path.";
        Assert.Contains(Sentence, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OpenMpiCallFails_IsAnErrorNamingTheCallInsteadOfAnAbortInsideMpi()
    {
        var result = MpiRuntime.RunOpenMpi(2, Probe, ["bad-root"]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("MPI_Bcast failed with MPI error 8 (MPI_ERR_ROOT: invalid root) in libmpi.so.40.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MpichCallFails_IsAnErrorNamingTheCallInsteadOfAnAbortInsideMpi()
    {
        var result = MpiRuntime.RunMpich(2, Probe, ["bad-root"], new Dictionary<string, string> { ["LIGHTNING_MPI_LIB"] = "libmpich.so.12" });
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("MPI_Bcast failed with MPI error 7 (Invalid root) in libmpich.so.12.", result.Output, StringComparison.Ordinal);
    }

    private static void AssertCollectives(ChildProcess.Result result, string library)
    {
        Assert.True(result.ExitCode == 0, result.Output);
        var facts = Facts(result.Output);
        // Pattern of the probe's 1M buffers: element i of rank r is r + i % 7.
        const int Count = 1 << 20;
        var sum = Enumerable.Range(0, Count).Sum(i => (double)(1 + 2 * (i % 7)));
        for (var rank = 0; rank < 2; rank++)
        {
            string Fact(string name) => facts.TryGetValue((rank, name), out var value) ? value : $"(rank {rank} printed no {name})";
            Assert.Equal($"2 local={rank} library={library}", Fact("world"));
            Assert.Equal("3,-2,1", Fact("tiny_sum"));          // [r + 1, -2r, 0.5] over r = 0, 1
            Assert.Equal("1.5,-1,0.5", Fact("tiny_mean"));
            Assert.Equal($"1,3,7 total={sum}", Fact("1m_sum"));  // the last element is index 2^20 - 1, which is 3 mod 7
            Assert.Equal($"0.5,1.5,3.5 total={sum / 2}", Fact("1m_mean"));
            Assert.Equal("0,3,6,9", Fact("tensor_sum"));       // arange(4) * (r + 1)
            Assert.Equal("from rank 0", Fact("broadcast_bytes"));
            Assert.Equal("1,10", Fact("broadcast_floats"));     // [r, 10r] of the last rank
            Assert.Equal("passed", Fact("barrier"));
        }
    }

    private static Dictionary<(int Rank, string Name), string> Facts(string output)
    {
        var facts = new Dictionary<(int, string), string>();
        foreach (Match match in FactLine().Matches(output))
            facts[(int.Parse(match.Groups[1].Value), match.Groups[2].Value)] = match.Groups[3].Value.TrimEnd('\r');
        return facts;
    }

    // Open MPI hands ranks a pseudo-terminal, so a line may start with the console's terminal set-up sequence.
    [GeneratedRegex(@"rank=(\d+) (\w+)=(.*)$", RegexOptions.Multiline)]
    private static partial Regex FactLine();
}
