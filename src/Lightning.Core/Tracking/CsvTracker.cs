using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lightning.Core.Tracking;

/// <summary>
/// Records runs as files, the layout Lightning's CSVLogger uses: <c>&lt;root&gt;/lightning_logs/version_N/</c> with
/// <c>metrics.csv</c> (one row per logging call, one column per metric), <c>hparams.yaml</c>, <c>tags.yaml</c>,
/// <c>status.yaml</c> and <c>artifacts/</c>. For runs without MLflow.
/// </summary>
public sealed class CsvTracker : ITracker
{
    private readonly string _root;
    private readonly List<Dictionary<string, string>> _rows = [];
    private readonly List<string> _columns = ["step"];
    private readonly Dictionary<string, string> _tags = [];
    private readonly Lock _gate = new();
    private string? _directory;
    private readonly TimeProvider _time;

    /// <summary>
    /// Creates a tracker writing under <paramref name="rootDirectory"/>; <paramref name="time"/> (the system clock when
    /// null) stamps its status.
    /// </summary>
    public CsvTracker(string rootDirectory, TimeProvider? time = null)
    {
        _root = Path.GetFullPath(rootDirectory);
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string? RunId => _directory is null ? null : Path.GetFileName(_directory);

    /// <inheritdoc />
    public string RunDirectory => _directory ?? Path.Combine(_root, "lightning_logs");

    /// <inheritdoc />
    public string TrackingUri => Path.Combine(_root, "lightning_logs");

    /// <inheritdoc />
    public void StartRun(RunStart start)
    {
        lock (_gate)
        {
            _directory = CreateVersionDirectory(Path.Combine(_root, "lightning_logs"));
            File.WriteAllText(Path.Combine(_directory, "hparams.yaml"), Yaml(start.Params));
            foreach (var (key, value) in start.Tags) _tags[key] = value;
            if (start.RunName is { } name) _tags["run_name"] = name;
            // A CSV run is never continued: a resumed fit is a new version linked to the run it resumes.
            if (start.ResumedFrom is { } from) _tags[ResumedRun.Tag] = from.TagValue;
            File.WriteAllText(Path.Combine(_directory, "tags.yaml"), Yaml(_tags));
            WriteStatus(RunStatus.Running, null);
        }
    }

    /// <inheritdoc />
    public void LogMetrics(IReadOnlyList<MetricPoint> points)
    {
        lock (_gate)
        {
            var directory = RequireStarted();
            foreach (var group in points.GroupBy(p => p.Step))
            {
                var row = new Dictionary<string, string> { ["step"] = group.Key.ToString(CultureInfo.InvariantCulture) };
                foreach (var point in group) row[point.Key] = FormatValue(point.Value);
                var newColumns = row.Keys.Where(k => !_columns.Contains(k)).ToList();
                _columns.AddRange(newColumns);
                _rows.Add(row);
                if (newColumns.Count > 0) RewriteMetrics(directory);
                else File.AppendAllText(Path.Combine(directory, "metrics.csv"), Line(row));
            }
        }
    }

    /// <inheritdoc />
    public void SetTag(string key, string value)
    {
        lock (_gate)
        {
            _tags[key] = value;
            File.WriteAllText(Path.Combine(RequireStarted(), "tags.yaml"), Yaml(_tags));
        }
    }

    /// <inheritdoc />
    public void LogArtifact(string localPath, string artifactPath)
    {
        var directory = RequireStarted();
        var source = Path.GetFullPath(localPath);
        // Checkpoints already saved inside the run folder are not copied a second time.
        if (source.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return;
        var target = ArtifactPath(directory, artifactPath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target, overwrite: true);
    }

    /// <inheritdoc />
    public void DeleteArtifact(string artifactPath)
    {
        var target = ArtifactPath(RequireStarted(), artifactPath);
        if (File.Exists(target)) File.Delete(target);
    }

    /// <inheritdoc />
    public void EndRun(RunStatus status, string? message = null)
    {
        lock (_gate)
        {
            if (_directory is not null) WriteStatus(status, message);
        }
    }

    /// <inheritdoc />
    public bool TryReopenRun()
    {
        lock (_gate)
        {
            if (_directory is null) return false;
            WriteStatus(RunStatus.Running, null);
            return true;
        }
    }

    /// <inheritdoc />
    public void Flush(TimeSpan timeout) { }

    /// <inheritdoc />
    public void Dispose() { }

    /// <summary>Resolves an artifact path inside the run's <c>artifacts/</c> folder, refusing any that would leave it.</summary>
    internal static string ArtifactPath(string runDirectory, string artifactPath)
    {
        var root = Path.Combine(runDirectory, "artifacts");
        if (artifactPath.Contains('\0') || Path.IsPathRooted(artifactPath))
            throw new ArgumentException(
                $"Artifact path '{artifactPath.Replace("\0", "\\0", StringComparison.Ordinal)}' must be relative and free of NUL characters.",
                nameof(artifactPath));
        var full = Path.GetFullPath(Path.Combine(root, artifactPath));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException(
                $"Artifact path '{artifactPath}' leaves the run's artifact folder; use a relative path without '..'.", nameof(artifactPath));
        return full;
    }

    private string RequireStarted() => _directory ?? throw new InvalidOperationException("The run has not been started: call StartRun first.");

    private static string CreateVersionDirectory(string parent)
    {
        Directory.CreateDirectory(parent);
        for (var version = 0; ; version++)
        {
            var candidate = Path.Combine(parent, $"version_{version}");
            if (Directory.Exists(candidate)) continue;
            // Directory creation is not exclusive; a marker file created with CreateNew is, so parallel runs never share a version.
            Directory.CreateDirectory(candidate);
            try
            {
                using var marker = new FileStream(Path.Combine(candidate, ".owner"), FileMode.CreateNew);
                return candidate;
            }
            catch (IOException)
            {
            }
        }
    }

    private void WriteStatus(RunStatus status, string? message)
    {
        var values = new Dictionary<string, string>
        {
            ["status"] = status.ToString().ToUpperInvariant(),
            ["time"] = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        if (message is not null) values["message"] = message;
        File.WriteAllText(Path.Combine(_directory!, "status.yaml"), Yaml(values));
    }

    private void RewriteMetrics(string directory)
    {
        var builder = new StringBuilder().AppendLine(string.Join(",", _columns));
        foreach (var row in _rows) builder.Append(Line(row));
        var path = Path.Combine(directory, "metrics.csv");
        File.WriteAllText(path + ".tmp", builder.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private string Line(Dictionary<string, string> row) =>
        string.Join(",", _columns.Select(c => row.GetValueOrDefault(c, ""))) + "\n";

    private static string FormatValue(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    // A flat string map as YAML, written by hand so the engine needs no YAML library: one "key: value" line per entry,
    // sorted; a scalar YAML would not read back as the same string is quoted.
    private static string Yaml(IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0)
            return "{}\n";
        var text = new StringBuilder();
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
            text.Append(YamlScalar(key)).Append(": ").Append(YamlScalar(value)).Append('\n');
        return text.ToString();
    }

    private static string YamlScalar(string value)
    {
        if (value.Any(char.IsControl))
            return JsonSerializer.Serialize(value);   // a JSON string is a YAML double-quoted scalar, escapes included
        var plain = value.Length > 0 && value.Trim() == value && !value.Contains(": ") && !value.Contains(" #")
            && !value.EndsWith(':') && !StartsWithIndicator(value);
        return plain ? value : "'" + value.Replace("'", "''") + "'";
    }

    // '-', '?' and ':' start a plain scalar only when a non-space follows; the other indicators never do.
    private static bool StartsWithIndicator(string value) =>
        "-?:".Contains(value[0]) ? value.Length == 1 || value[1] == ' ' : ",[]{}#&*!|>'\"%@`".Contains(value[0]);
}
