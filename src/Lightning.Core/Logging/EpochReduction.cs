using Lightning.Core.Distributed;

namespace Lightning.Core.Logging;

/// <summary>
/// Sums the epoch sums and batch-size weights of every rank, so each rank's epoch mean is the mean over all ranks'
/// samples, as Lightning computes a value logged with sync_dist (it syncs the sum and the cumulated batch size).
/// </summary>
internal static class EpochReduction
{
    /// <summary>
    /// The sums of all ranks, by name. Every rank must log the same names; they are reduced in ordinal order, so
    /// the order each rank logged them in does not matter.
    /// </summary>
    public static Dictionary<string, (double Sum, double Weight)> AcrossRanks(
        IProcessGroup group, Dictionary<string, (double Sum, double Weight)> sums)
    {
        var names = sums.Keys.Order(StringComparer.Ordinal).ToArray();
        // An epoch without values on every rank sends nothing: ranks run the same loops, so none of them has any.
        if (names.Length == 0) return sums;
        // Float64, as the sums are kept: float32 would round an epoch's weight once it passes 2^24 samples.
        var buffer = new double[names.Length * 2];
        for (var i = 0; i < names.Length; i++) (buffer[2 * i], buffer[2 * i + 1]) = sums[names[i]];
        group.AllReduce(buffer, ReduceOperation.Sum);
        var reduced = new Dictionary<string, (double Sum, double Weight)>(sums.Count);
        foreach (var name in sums.Keys)
        {
            var i = Array.IndexOf(names, name);
            reduced[name] = (buffer[2 * i], buffer[2 * i + 1]);
        }
        return reduced;
    }
}
