using Lightning.Core.Distributed;

namespace Lightning.Core.Training;

/// <summary>
/// On rank 0 of a data-parallel fit: looks for a note from a rank that failed (<see cref="RankFailureNotes"/>) while
/// the training thread may be waiting in a collective that rank will never join, hands it to a recorder (which ends
/// the run as FAILED), then lets the failed rank end the job.
/// </summary>
internal sealed class OtherRankFailureWatch : IDisposable
{
    // A failed rank waits this long for rank 0 to record its message before it ends the job anyway.
    public static readonly TimeSpan FailedRankWaits = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    private readonly RankFailureNotes _notes;
    private readonly Action<RankFailureNote> _record;
    private readonly ITimer _timer;
    private int _looking;

    /// <param name="notes">This job's notes.</param>
    /// <param name="record">Ends the run as FAILED with the note's message; runs on the timer's thread.</param>
    /// <param name="time">The clock of the looks.</param>
    public OtherRankFailureWatch(RankFailureNotes notes, Action<RankFailureNote> record, TimeProvider time)
    {
        _notes = notes;
        _record = record;
        _timer = time.CreateTimer(_ => Look(), null, Every, Every);
    }

    public void Dispose() => _timer.Dispose();

    // One look at a time: the timer does not wait for the last one, and recording flushes for up to 5 s.
    private void Look()
    {
        if (Interlocked.Exchange(ref _looking, 1) == 1) return;
        if (_notes.Take() is not { } note)
        {
            Volatile.Write(ref _looking, 0);
            return;
        }
        // A failure is recorded once: _looking stays set.
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _record(note);
        _notes.Acknowledge();
    }
}
