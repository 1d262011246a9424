using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Training;

/// <summary>Programmatic use: SeedEverything before the module is built makes two runs bitwise equal.</summary>
[Collection(GlobalStateCollection.Name)]
public sealed class ReproducibilityTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private byte[] TrainOnce(long seed)
    {
        Reproducibility.SeedEverything(seed);
        var module = new MlpModule();
        // No seed in the options: the trainer takes the one SeedEverything set, for shuffling too.
        var result = new Trainer(Quiet.Options(_root.Path) with { Seed = null, MaxEpochs = 2 }, output: TextWriter.Null)
            .Fit(module, new RandomData());
        Assert.Equal(RunOutcome.Finished, result.Outcome);
        return module.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).SelectMany(BitConverter.GetBytes).ToArray();
    }

    [Fact]
    public void SameSeed_SameWeights_Bitwise()
    {
        Assert.Equal(TrainOnce(7), TrainOnce(7));
        Assert.NotEqual(TrainOnce(7), TrainOnce(8));
    }

    [Fact]
    public void ATrainerWithoutAWriter_PrintsToTheConsole()
    {
        var console = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            new Trainer(Quiet.Options(_root.Path) with { EnableProgressBar = true }).Fit(new MlpModule(), new RandomData());
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.Contains("Epoch 1/1", captured.ToString());
    }
}
