using Lightning.Sweeps.Samplers;

namespace Lightning.Sweeps.Pruners;

/// <summary>Decides, when a trial reports an epoch's metric, whether it is worth continuing.</summary>
public interface IPruner
{
    /// <summary>Whether <paramref name="trial"/>, having reported <paramref name="epoch"/> (from 1), should stop, given every trial's curve so far.</summary>
    bool ShouldPrune(Trial trial, int epoch, IReadOnlyList<Trial> trials);
}
