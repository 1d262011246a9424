using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Executors;

namespace Lightning.Sweeps.Tests;

/// <summary>
/// The ranks a trial trains on (what local slots and Slurm tasks are made of): the sweep's parameters, keys matched as
/// the app matches them, over the app's own configuration.
/// </summary>
public sealed class TrialRanksTests
{
    [Theory]
    [InlineData(new string[0], 1, 1)]
    [InlineData(new[] { "trainer.devices", "auto" }, 1, 1)]
    [InlineData(new[] { "trainer.devices", "2" }, 1, 2)]
    [InlineData(new[] { "Trainer.Devices", "4" }, 1, 4)]
    [InlineData(new[] { "trainer.devices", "2", "trainer.num-nodes", "3" }, 3, 2)]
    [InlineData(new[] { "trainer.num_nodes", "2" }, 2, 1)]
    [InlineData(new[] { "trainer.devices", "2", "trainer.strategy", "single" }, 1, 1)]
    [InlineData(new[] { "model.devices", "2" }, 1, 1)]
    public void Of_ReadsDevicesNodesAndStrategyFromTheParameters(string[] keysAndValues, int nodes, int perNode)
    {
        var parameters = keysAndValues.Chunk(2).ToDictionary(p => p[0], p => (object)p[1]);
        Assert.Equal(new TrialRanks(nodes, perNode), TrialDevices.Default.Of(parameters));
    }

    [Fact]
    public void AppsConfiguration_GivesTheRanks_WhereNoParameterSetsThem()
    {
        var app = TrialDevices.FromPrintConfig("trainer:\n  strategy: ddp\n  devices: 2\n  num_nodes: 3\nmodel:\n  lr: 0.1\n");
        Assert.Equal(new TrialDevices("2", "ddp", "3"), app);
        Assert.Equal(new TrialRanks(3, 2), app.Of(new Dictionary<string, object> { ["model.lr"] = 0.1 }));
        Assert.Equal(new TrialRanks(3, 4), app.Of(new Dictionary<string, object> { ["trainer.devices"] = 4L }));
        Assert.Equal(new TrialRanks(1, 2), app.Of(new Dictionary<string, object> { ["trainer.num_nodes"] = 1L }));
        Assert.Equal(TrialRanks.One, app.Of(new Dictionary<string, object> { ["trainer.strategy"] = "single" }));
        Assert.Equal(TrialRanks.One, TrialDevices.FromPrintConfig("trainer:\n  devices: auto\n").Of(new Dictionary<string, object>()));
    }
}
