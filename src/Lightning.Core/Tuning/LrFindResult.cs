namespace Lightning.Core.Tuning;

/// <summary>What the LR finder measured and suggests.</summary>
/// <param name="LearningRates">The learning rate of each step taken.</param>
/// <param name="Losses">The smoothed training loss of each step (NaN once the loss stopped being finite).</param>
/// <param name="Suggestion">The suggested learning rate, or null when too few points were left to judge.</param>
/// <param name="SuggestionIndex">The step of <paramref name="Suggestion"/> in the curve, or null.</param>
/// <param name="StoppedEarly">Whether the loss diverged before the planned number of steps.</param>
public sealed record LrFindResult(
    IReadOnlyList<double> LearningRates, IReadOnlyList<double> Losses, double? Suggestion, int? SuggestionIndex, bool StoppedEarly);
