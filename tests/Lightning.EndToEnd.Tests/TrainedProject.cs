using System.Security.Cryptography;
using Lightning.Mlflow.Stores;
using Lightning.TestSupport;

namespace Lightning.EndToEnd.Tests;

/// <summary>
/// A scaffolded project, built and trained once, that the mistake tables run against: its first run's checkpoints,
/// metrics and data are fingerprinted so each test can prove nothing earlier was lost.
/// </summary>
public sealed class TrainedProject
{
    private static readonly Dictionary<string, TrainedProject> Built = [];
    private readonly Dictionary<string, string> _fingerprints;

    private TrainedProject(string folder, string name)
    {
        Folder = folder;
        App = Path.Combine(folder, "bin", "Debug", "net10.0", name + ".dll");
        Workspace.Must(Workspace.Run(folder, "dotnet", ["build", "-nologo", "-v:q"]));
        FirstFit = Workspace.Must(Workspace.Run(folder, "dotnet", [App, "fit", "--trainer.max_epochs=2"])).Output;
        Run = Assert.Single(FileStoreReader.Runs(Path.Combine(folder, "mlruns")));
        _fingerprints = Fingerprint();
    }

    public string Folder { get; }
    public string App { get; }
    public StoredRun Run { get; }

    /// <summary>What the first fit printed.</summary>
    public string FirstFit { get; }

    /// <summary>The project <paramref name="name"/>, scaffolded, patched by <paramref name="patch"/>, built and trained once per test run.</summary>
    public static TrainedProject Get(Workspace workspace, string name, Action<string>? patch = null)
    {
        lock (Built)
        {
            if (Built.TryGetValue(name, out var project)) return project;
            var folder = workspace.Scaffold(name);
            patch?.Invoke(folder);
            return Built[name] = new TrainedProject(folder, name);
        }
    }

    /// <summary>Runs the built app in the project folder.</summary>
    public ChildProcess.Result Exec(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        Workspace.Run(Folder, "dotnet", [App, .. arguments], environment, timeout: TimeSpan.FromMinutes(3));

    /// <summary>Fails when a file of the first run (checkpoints, metrics, params, the data) is gone or changed.</summary>
    public void AssertNothingLost()
    {
        foreach (var (path, hash) in _fingerprints)
        {
            Assert.True(File.Exists(path), $"{path} of the first run is gone");
            Assert.True(hash == Hash(path), $"{path} of the first run was changed");
        }
    }

    private Dictionary<string, string> Fingerprint()
    {
        var files = Directory.GetFiles(Run.Artifacts, "*", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(Run.Folder, "metrics")))
            .Concat(Directory.GetFiles(Path.Combine(Run.Folder, "params")))
            .Append(Path.Combine(Folder, "data", "train.csv"));
        return files.ToDictionary(f => f, Hash);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
