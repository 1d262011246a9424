using System.Security.Cryptography;
using System.Text;

namespace Lightning.Core.Distributed;

/// <summary>
/// What a failed rank tells rank 0 before it ends the job. Rank 0 is then waiting in a collective the failed rank will
/// never join, so nothing can reach it through the group; a file can. The failed rank writes why it failed into a
/// folder every rank shares (the trainer's root folder, where checkpoints go) and waits, for a few seconds at most,
/// until rank 0, which looks for notes while it trains, has recorded its run as FAILED with that message: every
/// launcher (mpirun, MPICH's Hydra, srun) may kill rank 0 at once when the failed rank ends the job. The notes of one
/// job carry a key that rank 0 drew and broadcast, so a note left by an earlier job is never read as this one's.
/// </summary>
public sealed class RankFailureNotes
{
    private const string Failed = ".failed";
    private const string Recorded = ".recorded";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly string _folder;
    private readonly string _job;
    private readonly List<int> _taken = [];

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
    /// Leaves <paramref name="message"/> for rank 0, whole or not at all (written aside, then renamed), and waits up to
    /// <paramref name="within"/> for rank 0 to record it. A note that cannot be written is given up: the job still
    /// ends, and rank 0's run is then recorded as KILLED, or left as its launcher leaves it.
    /// </summary>
    /// <returns>Whether rank 0 recorded the message in time.</returns>
    public bool Tell(int rank, string message, TimeSpan within, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            Directory.CreateDirectory(_folder);
            var path = PathOf(rank, Failed);
            File.WriteAllText(path + ".partial", message, Encoding.UTF8);
            File.Move(path + ".partial", path, overwrite: true);
            var recorded = PathOf(rank, Recorded);
            // Polled, not watched: on a cluster the folder is a network file system, where change notifications do not cross nodes.
            var deadline = time.GetUtcNow() + within;
            while (time.GetUtcNow() < deadline)
            {
                if (File.Exists(recorded))
                {
                    File.Delete(recorded);
                    return true;
                }
                Task.Delay(Poll, time).GetAwaiter().GetResult();
            }
            return false;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The job's end does not depend on the note.
            return false;
        }
    }

    /// <summary>
    /// The note of the lowest rank that left one for this job, or null; the notes read are removed. Safe to call from
    /// another thread while the training thread waits in a collective.
    /// </summary>
    public RankFailureNote? Take()
    {
        try
        {
            if (!Directory.Exists(_folder)) return null;
            var notes = Directory.GetFiles(_folder, $"{_job}-rank*{Failed}")
                .Select(path => (Path: path, Rank: RankOf(path)))
                .Where(note => note.Rank is not null)
                .OrderBy(note => note.Rank)
                .ToList();
            if (notes.Count == 0) return null;
            var message = File.ReadAllText(notes[0].Path, Encoding.UTF8);
            foreach (var note in notes)
            {
                File.Delete(note.Path);
                _taken.Add(note.Rank!.Value);
            }
            return new RankFailureNote(notes[0].Rank!.Value, message);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Tells every rank whose note <see cref="Take"/> read that rank 0 has recorded it, so they may end the job.</summary>
    public void Acknowledge()
    {
        foreach (var rank in _taken)
        {
            try
            {
                File.WriteAllText(PathOf(rank, Recorded), "");
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // That rank ends the job when its wait runs out.
            }
        }
        _taken.Clear();
    }

    private string PathOf(int rank, string suffix) => Path.Combine(_folder, $"{_job}-rank{rank}{suffix}");

    private int? RankOf(string path)
    {
        var name = Path.GetFileName(path);
        var digits = name[($"{_job}-rank".Length)..^Failed.Length];
        return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rank)
            ? rank : null;
    }
}

/// <summary>Why a rank failed, as it told rank 0.</summary>
/// <param name="Rank">The rank that failed.</param>
/// <param name="Message">Its line: "Rank 1 of 2 failed: ...".</param>
public sealed record RankFailureNote(int Rank, string Message);
