using System.Globalization;

namespace Lightning.Hosting;

/// <summary>
/// A file through which rank 0 of a relaunched job tells the relaunching process how an agreed stop ended (130
/// interrupted, 3 stopped) while every rank exits 0 for mpirun. Made empty by the relaunching process, which removes it.
/// </summary>
internal sealed class StopCode : IDisposable
{
    public StopCode() => Path = System.IO.Path.GetTempFileName();

    /// <summary>Where rank 0 writes the code.</summary>
    public string Path { get; }

    /// <summary>The code rank 0 left, or null when it left none (the job did not end with an agreed stop).</summary>
    public int? Read()
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Rank 0's side: leaves <paramref name="code"/> in <paramref name="path"/>; false when it could not.</summary>
    public static bool Write(string path, int code)
    {
        try
        {
            File.WriteAllText(path, code.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose() => File.Delete(Path);
}
