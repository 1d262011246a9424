using System.Diagnostics;
using Lightning.Sweeps.Executors;
using Lightning.Sweeps.Running;
using Lightning.Sweeps.State;

namespace Lightning.Sweeps.Tests;

/// <summary>The one-sweep-per-folder lock against a real second process (util-linux <c>flock</c> takes the same OS lock).</summary>
[Trait(Lightning.TestSupport.TestCategory.Name, Lightning.TestSupport.TestCategory.Process)]
public sealed class SweepLockTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lightning-sweep-lock-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void KilledHolder_FreesTheLock_EvenWhileItLingersUnreaped()
    {
        var root = SweepState.Root(_folder);
        Directory.CreateDirectory(root);
        // bash starts `flock` holding the lock, then becomes `sleep`, which never reaps it: killed, the holder stays a
        // zombie with its process id still in the table, as a SIGKILLed controller does under a PID 1 that reaps nothing.
        var start = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("flock -o active.lock sh -c 'echo locked; exec sleep 20' & echo $!; exec sleep 60");
        using var parent = Process.Start(start)!;
        try
        {
            var lines = new[] { parent.StandardOutput.ReadLine(), parent.StandardOutput.ReadLine() };
            var holder = int.Parse(lines.Single(l => l != "locked")!, System.Globalization.CultureInfo.InvariantCulture);
            File.WriteAllText(Path.Combine(root, "active.owner"), $"crashed-sweep {holder}");

            var refused = Assert.Throws<SweepRefusedException>(() => SweepLock.Acquire(_folder, "next-sweep"));
            Assert.Contains($"Sweep crashed-sweep is already running in {_folder} (process {holder})", refused.Message);
            Assert.Contains("--resume crashed-sweep", refused.Message);

            Lightning.TestSupport.Signals.Send(holder, Lightning.TestSupport.Signals.Kill);
            Assert.True(SpinWait.SpinUntil(() => ProcessTable.State(holder) == 'Z', TimeSpan.FromSeconds(10)),
                $"holder state {ProcessTable.State(holder)}");

            using (SweepLock.Acquire(_folder, "next-sweep"))
                Assert.Equal($"next-sweep {Environment.ProcessId}", File.ReadAllText(Path.Combine(root, "active.owner")));
            Assert.False(File.Exists(Path.Combine(root, "active.owner")));
            using (SweepLock.Acquire(_folder, "third-sweep")) { }
        }
        finally
        {
            parent.Kill(entireProcessTree: true);
        }
    }
}
