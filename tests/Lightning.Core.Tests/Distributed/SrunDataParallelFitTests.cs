using System.Runtime.InteropServices;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Distributed;

/// <summary>
/// The Trainer's ddp strategy launched by Slurm itself (<c>srun --mpi=pmix</c> on the one-machine cluster of
/// scripts/slurm-single-node.sh) rather than by mpirun: the ranks learn who they are from PMIx's and Slurm's variables,
/// and Open MPI's libmpi joins the job through slurmd's PMIx server.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class SrunDataParallelFitTests
{
    private static string Probe => Repository.Built(Path.Combine("tests", "Lightning.MpiProbe"), "Lightning.MpiProbe.dll");

    [Fact]
    public void Fit_TwoRanksStartedBySrunWithPmix_EndBitwiseWhereTwoMpirunRanksEnd()
    {
        using var folder = new TempDirectory();
        MpiRuntime.EnsureInstalled();
        ChildProcess.Result srun;
        using (var cluster = new SlurmCluster())
        {
            var environment = new Dictionary<string, string>(cluster.Environment) { ["OMP_NUM_THREADS"] = "1" };
            string[] job = ["--mpi=pmix", "-n", "2", "dotnet", Probe, "ddp-fit", folder.Combine("srun"), "ddp", "1", "0"];
            srun = ChildProcess.Run(Repository.Root, "srun", job, environment, timeout: TimeSpan.FromMinutes(3));
        }
        Assert.True(srun.ExitCode == 0, srun.Output);
        // Neither mpirun's variables nor an MPI launcher of ours: each rank read PMIX_RANK and SLURM_STEP_NUM_TASKS.
        Assert.Contains("rank=0 fitted=steps 50 world 2 launcher PMIx", srun.Output, StringComparison.Ordinal);
        Assert.Contains("rank=1 fitted=steps 50 world 2 launcher PMIx", srun.Output, StringComparison.Ordinal);
        var mpirun = MpiRuntime.RunOpenMpi(2, Probe, ["ddp-fit", folder.Combine("mpirun"), "ddp", "1", "0"]);
        Assert.True(mpirun.ExitCode == 0, mpirun.Output);

        // Two ranks sum in one order whatever started them, so the weights agree to the bit.
        var rank0 = Weights(folder.Combine("srun", "weights-rank0.bin"));
        Assert.Equal(rank0, Weights(folder.Combine("srun", "weights-rank1.bin")));
        Assert.Equal(Weights(folder.Combine("mpirun", "weights-rank0.bin")), rank0);
    }

    private static float[] Weights(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
}
