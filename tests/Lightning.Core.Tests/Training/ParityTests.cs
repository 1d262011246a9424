using Lightning.TestSupport;
using Lightning.Core.Data;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Training;

// Builds modules from torch's process-wide generator: another test fitting at the same moment would reseed it.
[Collection(GlobalStateCollection.Name)]
public sealed class ParityTests
{
    [Fact]
    public void Fit_SameSeed_MatchesHandWrittenLoopBitwise()
    {
        using var root = new TempDirectory();
        const long seed = 1234;
        const int epochs = 3;

        random.manual_seed(7);
        var trained = new MlpModule();
        var data = new RandomData(samples: 60, batchSize: 8);
        var result = new Trainer(Quiet.Options(root.Path) with { MaxEpochs = epochs, Seed = seed }).Fit(trained, data);
        Assert.Equal(RunOutcome.Finished, result.Outcome);

        random.manual_seed(7);
        var reference = new MlpModule();
        var initial = reference.parameters().Select(p => p.detach().clone()).ToList();
        random.manual_seed(seed);
        HandWrittenLoop(reference, data.TrainX!, data.TrainY!, epochs, batchSize: 8, seed);

        var ours = trained.parameters().ToList();
        var theirs = reference.parameters().ToList();
        Assert.Equal(theirs.Count, ours.Count);
        for (var i = 0; i < ours.Count; i++)
        {
            Assert.True(Tensors.Bitwise(ours[i], theirs[i]), $"parameter {i} differs from the hand-written loop");
            Assert.False(Tensors.Bitwise(ours[i], initial[i]), $"parameter {i} did not train");
        }
    }

    /// <summary>The loop a user writes by hand: seeded permutation per epoch, SGD, a dispose scope per step.</summary>
    private static void HandWrittenLoop(MlpModule model, Tensor x, Tensor y, int epochs, int batchSize, long seed)
    {
        var optimizer = optim.SGD(model.parameters(), 0.05);
        var samples = x.shape[0];
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            using var order = EpochPermutation.Create(samples, new LoaderPosition(epoch, 0, seed));
            for (long start = 0; start < samples; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var indices = order.narrow(0, start, Math.Min(batchSize, samples - start));
                var loss = nn.functional.cross_entropy(model.Forward(x.index_select(0, indices)), y.index_select(0, indices));
                loss.backward();
                optimizer.step();
                optimizer.zero_grad();
            }
        }
    }
}
