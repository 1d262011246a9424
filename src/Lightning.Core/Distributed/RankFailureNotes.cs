using System.Security.Cryptography;
using System.Text;

namespace Lightning.Core.Distributed;

/// <summary>
/// What a failed rank tells rank 0 before it ends the job. Rank 0 is then waiting in a collective the failed rank will
/// never join, so nothing can reach it through the group; a file can. The failed rank writes why it failed into a
/// folder every rank shares (the trainer's root folder, where checkpoints go), and rank 0, stopped by the launcher,
/// reads it to record its run as FAILED with that message instead of KILLED. The notes of one job carry a key that
/// rank 0 drew and broadcast, so a note left by an earlier job is never read as this one's.
/// </summary>
public sealed class RankFailureNotes
{
    private readonly string _folder;
    private readonly string _job;

    private RankFailureNotes(string folder, string job)
    {
        _folder = folder;
        _job = job;
    }

    /// <summary>The notes of this job in <paramref name="rootFolder"/>: a collective, so every rank calls it at the same point.</summary>
    public static RankFailureNotes Agree(IProcessGroup group, string rootFolder)
    {
        ArgumentNullException.ThrowIfNull(group);
        Span<byte> key = stackalloc byte[8];
        if (group.Rank == 0) RandomNumberGenerator.Fill(key);
        if (group.WorldSize > 1) group.Broadcast(key, root: 0);
        return new RankFailureNotes(Path.Combine(Path.GetFullPath(rootFolder), ".lightning", "ranks"), Convert.ToHexStringLower(key));
    }

    /// <summary>
    /// Leaves <paramref name="message"/> for rank 0, whole or not at all (written aside, then renamed). A note that
    /// cannot be written is given up: the job still ends, and rank 0 records KILLED as it would without notes.
    /// </summary>
    public void Write(int rank, string message)
    {
        try
        {
            Directory.CreateDirectory(_folder);
            var path = Path.Combine(_folder, $"{_job}-rank{rank}.failed");
            File.WriteAllText(path + ".partial", message, Encoding.UTF8);
            File.Move(path + ".partial", path, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The job's end does not depend on the note.
        }
    }

    /// <summary>
    /// The message of the lowest rank that left one for this job, or null; the notes read are removed. Safe to call
    /// from a signal handler's thread while the training thread waits in a collective.
    /// </summary>
    public string? Take()
    {
        try
        {
            if (!Directory.Exists(_folder)) return null;
            var notes = Directory.GetFiles(_folder, $"{_job}-rank*.failed").Order(StringComparer.Ordinal).ToList();
            if (notes.Count == 0) return null;
            var message = File.ReadAllText(notes[0], Encoding.UTF8);
            foreach (var note in notes) File.Delete(note);
            return message;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
