using Lightning.Sweeps.Samplers;

namespace Lightning.Sweeps.Pruners;

/// <summary>Decides, when a trial reports an epoch's metric, whether it is worth continuing.</summary>
public interface IPruner
{
    /// <summary>
    /// Whether <paramref name="trial"/>, having reported <paramref name="epoch"/> (from 1), should stop, given every
    /// trial's curve so far.
    /// </summary>
    bool ShouldPrune(Trial trial, int epoch, IReadOnlyList<Trial> trials);

    /// <summary>
    /// The epochs (from 1, up to <paramref name="upTo"/>) at which trials wait for this pruner's decision before
    /// training on, so it stops them exactly there. None by default: the decision then lands an epoch or so late in a
    /// fast trial, which a pruner that decides at every epoch (median) can afford and a waiting trial could not.
    /// </summary>
    IReadOnlyList<int> DecisionEpochs(int upTo) => [];
}
