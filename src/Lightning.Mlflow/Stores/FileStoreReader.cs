using System.Globalization;
using Lightning.Core.Tracking;

namespace Lightning.Mlflow.Stores;

/// <summary>One run of a file store, as read back.</summary>
public sealed record StoredRun(
    string RunId, string ExperimentId, string ExperimentName, string RunName, string Status, long StartTimeMs, long? EndTimeMs, string Folder,
    IReadOnlyDictionary<string, string> Params, IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>The run's artifact folder.</summary>
    public string Artifacts => Path.Combine(Folder, "artifacts");

    /// <summary>Every point of every metric.</summary>
    public IEnumerable<MetricPoint> Metrics()
    {
        var root = Path.Combine(Folder, "metrics");
        if (!Directory.Exists(root)) yield break;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(root, file).Replace('\\', '/');
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
            {
                var parts = line.Split(' ');
                yield return new MetricPoint(key, double.Parse(parts[1], CultureInfo.InvariantCulture),
                    parts.Length > 2 ? long.Parse(parts[2], CultureInfo.InvariantCulture) : 0, long.Parse(parts[0], CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>The latest value of each metric (by step, then timestamp), as the MLflow UI shows it.</summary>
    public IReadOnlyDictionary<string, double> LatestMetrics() =>
        Metrics().GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Step).ThenBy(m => m.TimestampMs).Last().Value);
}

/// <summary>Reads the runs of an <c>mlruns/</c> folder (active experiments and runs).</summary>
public static class FileStoreReader
{
    private static readonly string[] Statuses = ["", "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"];

    /// <summary>Every active run under <paramref name="root"/>, newest first.</summary>
    public static IReadOnlyList<StoredRun> Runs(string root)
    {
        if (!Directory.Exists(root)) return [];
        var runs = new List<StoredRun>();
        foreach (var experiment in Directory.EnumerateDirectories(root).Where(d => File.Exists(Path.Combine(d, "meta.yaml"))))
        {
            var meta = MetaYaml.Read(Path.Combine(experiment, "meta.yaml"));
            if (meta.GetValueOrDefault("lifecycle_stage") != "active") continue;
            foreach (var run in Directory.EnumerateDirectories(experiment).Where(d => File.Exists(Path.Combine(d, "meta.yaml"))))
            {
                var fields = MetaYaml.Read(Path.Combine(run, "meta.yaml"));
                if (fields.GetValueOrDefault("lifecycle_stage") != "active") continue;
                var status = int.TryParse(fields.GetValueOrDefault("status"), out var code) && code is > 0 and < 6 ? Statuses[code] : "UNKNOWN";
                runs.Add(new StoredRun(Path.GetFileName(run), meta["experiment_id"]!, meta["name"]!,
                    fields.GetValueOrDefault("run_name") ?? "", status,
                    long.Parse(fields["start_time"]!, CultureInfo.InvariantCulture),
                    fields.GetValueOrDefault("end_time") is { } end ? long.Parse(end, CultureInfo.InvariantCulture) : null,
                    run, Values(Path.Combine(run, "params")), Values(Path.Combine(run, "tags"))));
            }
        }
        return runs.OrderByDescending(r => r.StartTimeMs).ToList();
    }

    private static Dictionary<string, string> Values(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllText)
            : [];
}
