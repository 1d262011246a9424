using Lightning.Core.Distributed;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Distributed;

public sealed class RankFailureNotesTests
{
    [Fact]
    public void Take_ReturnsTheLowestFailedRanksNoteOnce()
    {
        using var root = new TempDirectory();
        var notes = RankFailureNotes.Agree(new SingleProcessGroup(), root.Path);
        notes.Tell(10, "Rank 10 of 12 failed: out of memory.", TimeSpan.Zero, TimeProvider.System);
        notes.Tell(2, "Rank 2 of 12 failed: a bad batch.", TimeSpan.Zero, TimeProvider.System);

        Assert.Equal(new RankFailureNote(2, "Rank 2 of 12 failed: a bad batch."), notes.Take());
        Assert.Null(notes.Take());
    }

    [Fact]
    public async Task Tell_ReturnsOnceRank0HasRecordedTheNote()
    {
        using var root = new TempDirectory();
        var failed = RankFailureNotes.Agree(new SingleProcessGroup(), root.Path);
        // Rank 0's side, as its watch does it: take the note, record it, acknowledge.
        using var recorded = new ManualResetEventSlim();
        var rankZero = Task.Run(() =>
        {
            RankFailureNote? note;
            while ((note = failed.Take()) is null) Thread.Yield();
            recorded.Set();
            failed.Acknowledge();
            return note;
        });

        Assert.True(failed.Tell(1, "Rank 1 of 2 failed: a bad batch.", TimeSpan.FromMinutes(2), TimeProvider.System));
        Assert.True(recorded.IsSet);
        Assert.Equal(1, (await rankZero).Rank);
        Assert.Empty(Directory.GetFiles(root.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Take_NeverReadsTheNoteOfAnEarlierJobInTheSameFolder()
    {
        using var root = new TempDirectory();
        var earlier = RankFailureNotes.Agree(new SingleProcessGroup(), root.Path);
        earlier.Tell(1, "Rank 1 of 2 failed: yesterday's job.", TimeSpan.Zero, TimeProvider.System);

        Assert.Null(RankFailureNotes.Agree(new SingleProcessGroup(), root.Path).Take());
    }

    [Fact]
    public void Tell_WhereNoFolderCanBeMade_GivesUpWithoutThrowing()
    {
        using var root = new TempDirectory();
        var blocked = root.Combine("file");
        File.WriteAllText(blocked, "");
        var notes = RankFailureNotes.Agree(new SingleProcessGroup(), blocked);

        Assert.False(notes.Tell(1, "Rank 1 of 2 failed: lost.", TimeSpan.FromMinutes(2), TimeProvider.System));
        Assert.Null(notes.Take());
    }
}
