using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace Lightning.Core.Tests.Training;

/// <summary>What strategy: auto means for how the process was launched, and what a rank other than 0 leaves out.</summary>
public sealed class StrategySelectionTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData(TrainingStrategy.Auto, "2", TrainingStrategy.Ddp)]
    [InlineData(TrainingStrategy.Auto, "1", TrainingStrategy.Single)]
    [InlineData(TrainingStrategy.Single, "2", TrainingStrategy.Single)]
    [InlineData(TrainingStrategy.Ddp, "1", TrainingStrategy.Ddp)]
    public void Resolve_UnderOpenMpi_FollowsTheWorldSizeOnlyForAuto(TrainingStrategy given, string size, TrainingStrategy expected) =>
        Assert.Equal(expected, StrategySelection.Resolve(given, Environment(("OMPI_COMM_WORLD_RANK", "0"), ("OMPI_COMM_WORLD_SIZE", size))));

    [Fact]
    public void Resolve_AutoWithoutALauncher_IsSingle() =>
        Assert.Equal(TrainingStrategy.Single, StrategySelection.Resolve(TrainingStrategy.Auto, Environment()));

    [Fact]
    public void Arrange_OnARankOtherThanZero_LeavesOutProgressAndSummaryEvenWhenGiven()
    {
        var callbacks = DefaultCallbacks.Arrange([new ModelSummary(TextWriter.Null)], new TrainerOptions(), TextWriter.Null, globalZero: false);
        Assert.DoesNotContain(callbacks, c => c is ProgressBar or ModelSummary);
        Assert.Contains(callbacks, c => c is ModelCheckpoint);
    }
}
