using Lightning.Sweeps.Configuration;
using Lightning.Sweeps.Running;

namespace Lightning.Sweeps.Tests;

/// <summary>A local trial on N devices takes N of the parallel slots; one that could never fit is refused before anything starts.</summary>
public sealed class TrialSlotsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lightning-slots-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SweepConfig Config(string devices = "") => SweepConfigReader.Parse($$"""
        method: grid
        metric: {name: val_loss, goal: minimize}
        parameters:
          model.lr: {values: [0.1, 0.01, 0.001, 0.0001]}
          {{devices}}
        """);

    private SweepResult Run(FakeExecutor executor, SweepConfig config, int parallel, TrialDevices? devices = null) => new SweepRunner(new SweepOptions
    {
        ProjectFolder = _folder, Config = config, ConfigPath = Path.Combine(_folder, "sweep.yaml"), Executor = executor,
        Parallel = parallel, PollInterval = TimeSpan.Zero, Devices = devices ?? TrialDevices.Default,
    }).Run(CancellationToken.None);

    private static double[] Flat(Executors.TrialLaunch launch) => [1, 0.5];

    [Fact]
    public void TwoDevicesAsASweepParameter_TakeTwoSlotsEach_SoFourSlotsRunTwoTrialsAtATime()
    {
        var executor = new FakeExecutor(Flat);
        var result = Run(executor, Config("trainer.devices: {value: 2}"), parallel: 4);
        Assert.Equal(4, result.Finished);
        Assert.All(executor.Launched, l => Assert.Equal(2, l.Slots.Count));
        Assert.Equal(2, executor.MaxConcurrent);
        Assert.Equal(4, executor.MaxSlotsHeld);
    }

    [Fact]
    public void TwoDevicesInTheAppsConfiguration_WithParallelThree_RunOneTrialAtATime()
    {
        var executor = new FakeExecutor(Flat);
        Run(executor, Config(), parallel: 3, new TrialDevices("2", "ddp"));
        Assert.Equal(4, executor.Launched.Count);
        Assert.Equal(1, executor.MaxConcurrent);
    }

    [Fact]
    public void StrategySingle_TrainsOnOneDevice_WhateverDevicesSays()
    {
        var executor = new FakeExecutor(Flat);
        Run(executor, Config(), parallel: 2, new TrialDevices("4", "single"));
        Assert.Equal(2, executor.MaxConcurrent);
        Assert.All(executor.Launched, l => Assert.Single(l.Slots));
    }

    [Fact]
    public void MixedDevices_AWideTrialWaitsForEnoughFreeSlots_AndSlotsAreNeverShared()
    {
        var config = SweepConfigReader.Parse("""
            method: grid
            metric: {name: val_loss, goal: minimize}
            parameters:
              trainer.devices: {values: [1, 2, 1, 2]}
            """);
        var executor = new FakeExecutor(Flat);
        var result = Run(executor, config, parallel: 2);
        Assert.Equal(4, result.Finished);
        Assert.Equal([1, 2, 1, 2], executor.Launched.OrderBy(l => l.Number).Select(l => l.Slots.Count));
        Assert.Equal(2, executor.MaxSlotsHeld);
    }

    [Fact]
    public void DevicesAboveTheParallelSlots_IsAConfigErrorNamingKeyAndValues_BeforeAnythingStarts()
    {
        var executor = new FakeExecutor(Flat);
        var refused = Assert.Throws<SweepConfigException>(() => Run(executor, Config("trainer.devices: {values: [1, 4]}"), parallel: 2));
        Assert.Equal("sweep.yaml: a trial with trainer.devices=4 (a parameter of the sweep) runs 4 ranks, one per local slot, " +
                     "but --parallel is 2: give --parallel 4 or more, or fewer devices.", refused.Message);
        Assert.Empty(executor.Launched);
        Assert.False(Directory.Exists(Path.Combine(_folder, ".lightning")));
    }

    [Fact]
    public void DevicesRangeAndAppConfiguration_AreCheckedToo()
    {
        var random = SweepConfigReader.Parse("""
            method: random
            run_cap: 2
            metric: {name: val_loss, goal: minimize}
            parameters:
              trainer.devices: {distribution: int_uniform, min: 1, max: 3}
            """);
        var range = Assert.Throws<SweepConfigException>(() => Run(new FakeExecutor(Flat), random, parallel: 2));
        Assert.Contains("trainer.devices=3 (a parameter of the sweep)", range.Message, StringComparison.Ordinal);
        var app = Assert.Throws<SweepConfigException>(() => Run(new FakeExecutor(Flat), Config(), parallel: 1, new TrialDevices("2", "auto")));
        Assert.Contains("trainer.devices=2 (the app's configuration)", app.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QueueingExecutor_PlacesATrialsRanksItself_SoDevicesTakeNoControllerSlots()
    {
        var executor = new FakeExecutor(Flat, queues: true);
        var result = Run(executor, Config("trainer.devices: {value: 4}"), parallel: 2);
        Assert.Equal(4, result.Finished);
        Assert.All(executor.Launched, l => Assert.Single(l.Slots));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DevicesOnlyInTheAppsPrintConfig_GiveEveryLaunchTwoRanks_LocalSlotsOrOneQueuedJob(bool queues)
    {
        // As lightning.yaml's trainer.devices: 2 reaches the controller: in the app's print-config, not in the sweep.
        PrintConfig app = _ => new PrintConfigReply(0, "trainer:\n  strategy: auto\n  devices: 2\n  num_nodes: 1\nmodel:\n  lr: 0.1\n");
        var executor = new FakeExecutor(Flat, queues: queues);
        var result = new SweepRunner(new SweepOptions
        {
            ProjectFolder = _folder, Config = Config(), ConfigPath = Path.Combine(_folder, "sweep.yaml"), Executor = executor,
            Parallel = 2, PollInterval = TimeSpan.Zero, PrintConfig = app,
        }).Run(CancellationToken.None);
        Assert.Equal(4, result.Finished);
        Assert.All(executor.Launched, l => Assert.Equal(new Executors.TrialRanks(1, 2), l.Ranks));
        // Locally the two ranks hold both slots; a queueing executor (Slurm) places them itself, in one job of two tasks.
        Assert.All(executor.Launched, l => Assert.Equal(queues ? 1 : 2, l.Slots.Count));
        Assert.Equal(queues ? 4 : 1, executor.MaxConcurrent);
    }
}
