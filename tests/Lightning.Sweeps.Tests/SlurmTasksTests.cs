using Lightning.Sweeps.Executors;

namespace Lightning.Sweeps.Tests;

/// <summary>The Slurm tasks a trial's job asks for, read from the trial's overrides as the app would bind them.</summary>
public sealed class SlurmTasksTests
{
    [Theory]
    [InlineData(new string[0], 1, 1)]
    [InlineData(new[] { "--trainer.devices=auto" }, 1, 1)]
    [InlineData(new[] { "--trainer.devices=2" }, 1, 2)]
    [InlineData(new[] { "--trainer.devices=1", "--Trainer.Devices=4" }, 1, 4)]
    [InlineData(new[] { "--trainer.devices=2", "--trainer.num-nodes=3" }, 3, 2)]
    [InlineData(new[] { "--trainer.num_nodes=2" }, 2, 1)]
    [InlineData(new[] { "--trainer.devices=2", "--trainer.strategy=single" }, 1, 1)]
    [InlineData(new[] { "--model.devices=2" }, 1, 1)]
    public void Of_ReadsDevicesAndNodesFromTheOverrides(string[] overrides, int nodes, int perNode)
    {
        var launch = new TrialLaunch(0, ["fit", "--events", "events.jsonl", .. overrides], "events.jsonl", "output.log", [0]);
        Assert.Equal(new SlurmTasks(nodes, perNode), SlurmTasks.Of(launch));
    }
}
