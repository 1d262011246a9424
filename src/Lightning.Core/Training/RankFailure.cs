using Lightning.Core.Distributed;

namespace Lightning.Core.Training;

/// <summary>
/// Ends a data-parallel job when one rank fails outside the loop's agreed stops (an exception in a step, a checkpoint
/// write that fails while the others wait at its barrier): the other ranks sit in a collective this rank will never
/// join, so the only way out that does not hang is for this rank to end them all.
/// </summary>
internal static class RankFailure
{
    /// <summary>The exit code of every rank of a job a failed rank ended, as the app host's failed-run code.</summary>
    public const int ExitCode = 1;

    /// <summary>
    /// For a group of several: reports <paramref name="message"/> on standard error, naming this rank; on a rank other
    /// than 0, tells rank 0 through <paramref name="notes"/> and waits for its run to record it; then aborts the job
    /// (MPI_Abort; the launcher also names the rank). Returns at once for a single process.
    /// </summary>
    public static void EndJob(IProcessGroup group, string message, RankFailureNotes? notes)
    {
        if (group.WorldSize == 1) return;
        var failed = $"Rank {group.Rank} of {group.WorldSize} failed: {Sentence(message)}";
        // Standard error, not the trainer's writer: only rank 0 has one, and this rank's caller never gets to print.
#pragma warning disable RS0030
        Console.Error.WriteLine($"{failed} Ending every rank of the job.");
        Console.Error.Flush();
#pragma warning restore RS0030
        // Rank 0 records its own failure itself.
        if (group.Rank != 0) notes?.Tell(group.Rank, failed, OtherRankFailureWatch.FailedRankWaits, TimeProvider.System);
        group.Abort(ExitCode);
    }

    // An exception's message as a sentence, so the words after it do not run on from it.
    private static string Sentence(string message)
    {
        var text = message.Trim();
        return text.Length == 0 || text[^1] is '.' or '!' or '?' ? text : text + ".";
    }
}
