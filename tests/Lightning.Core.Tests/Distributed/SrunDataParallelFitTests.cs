using System.Runtime.InteropServices;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Distributed;

/// <summary>
/// The Trainer's ddp strategy launched by Slurm itself (<c>srun --mpi=pmix</c> on the one-machine cluster of
/// scripts/slurm-single-node.sh) rather than by mpirun: Open MPI's libmpi joins the job through slurmd's PMIx server
/// (the ranks read PMIX_RANK and SLURM_STEP_NUM_TASKS), MPICH's through its PMI-2 server (PMI_RANK, PMI_SIZE).
/// </summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class SrunDataParallelFitTests
{
    private static string Probe => Repository.Built(Path.Combine("tests", "Lightning.MpiProbe"), "Lightning.MpiProbe.dll");

    [Theory]
    [InlineData("pmix", "", "PMIx")]
    [InlineData("pmi2", "libmpich.so.12", "MPICH (PMI)")]
    public void Fit_TwoRanksStartedBySrun_EndBitwiseWhereTwoMpirunRanksEnd(string plugin, string library, string launcher)
    {
        using var folder = new TempDirectory();
        MpiRuntime.EnsureInstalled();
        ChildProcess.Result srun;
        using (var cluster = new SlurmCluster())
        {
            var environment = new Dictionary<string, string>(cluster.Environment) { ["OMP_NUM_THREADS"] = "1" };
            if (library.Length > 0) environment["LIGHTNING_MPI_LIB"] = library;
            string[] job = [$"--mpi={plugin}", "-n", "2", "dotnet", Probe, "ddp-fit", folder.Combine("srun"), "ddp", "1", "0"];
            srun = ChildProcess.Run(Repository.Root, "srun", job, environment, timeout: TimeSpan.FromMinutes(3));
        }
        Assert.True(srun.ExitCode == 0, srun.Output);
        // No mpirun: each rank read the variables of srun's plugin.
        Assert.Contains($"rank=0 fitted=steps 50 world 2 launcher {launcher}", srun.Output, StringComparison.Ordinal);
        Assert.Contains($"rank=1 fitted=steps 50 world 2 launcher {launcher}", srun.Output, StringComparison.Ordinal);
        var mpirun = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", folder.Combine("mpirun"), "ddp", "1", "0"]);
        Assert.True(mpirun.ExitCode == 0, mpirun.Output);

        // Two ranks sum in one order whatever started them and whichever library, so the weights agree to the bit.
        var rank0 = Weights(folder.Combine("srun", "weights-rank0.bin"));
        Assert.Equal(rank0, Weights(folder.Combine("srun", "weights-rank1.bin")));
        Assert.Equal(Weights(folder.Combine("mpirun", "weights-rank0.bin")), rank0);
    }

    private static float[] Weights(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
}
