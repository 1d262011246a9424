using Lightning.Core.Distributed;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Distributed;

public sealed class RankFailureNotesTests
{
    [Fact]
    public void Take_ReturnsTheLowestFailedRanksMessageOnce()
    {
        using var root = new TempDirectory();
        var notes = RankFailureNotes.Agree(new SingleProcessGroup(), root.Path);
        notes.Write(3, "Rank 3 of 4 failed: out of memory.");
        notes.Write(1, "Rank 1 of 4 failed: a bad batch.");

        Assert.Equal("Rank 1 of 4 failed: a bad batch.", notes.Take());
        Assert.Null(notes.Take());
    }

    [Fact]
    public void Take_NeverReadsTheNoteOfAnEarlierJobInTheSameFolder()
    {
        using var root = new TempDirectory();
        RankFailureNotes.Agree(new SingleProcessGroup(), root.Path).Write(1, "Rank 1 of 2 failed: yesterday's job.");

        Assert.Null(RankFailureNotes.Agree(new SingleProcessGroup(), root.Path).Take());
    }

    [Fact]
    public void Write_WhereNoFolderCanBeMade_GivesUpWithoutThrowing()
    {
        using var root = new TempDirectory();
        var blocked = root.Combine("file");
        File.WriteAllText(blocked, "");
        var notes = RankFailureNotes.Agree(new SingleProcessGroup(), blocked);

        notes.Write(1, "Rank 1 of 2 failed: lost.");

        Assert.Null(notes.Take());
    }
}
