using System.Globalization;
using System.Text.Json.Nodes;
using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow.Models;

/// <summary>
/// The Model Registry of a file store, in the <c>models/</c> folder MLflow's FileStore writes and <c>mlflow ui</c> reads
/// (transcripts 97, 98): <c>models/NAME/meta.yaml</c>, <c>aliases/ALIAS</c> (the version, no newline, the source of
/// truth for aliases), <c>tags/KEY</c> and <c>version-N/meta.yaml</c>.
/// </summary>
public sealed class FileRegistry(string root, TimeProvider? time = null) : IModelRegistry
{
    private readonly string _models = Path.Combine(Path.GetFullPath(root), "models");
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Uri => new Uri(Path.GetFullPath(root)).AbsoluteUri;

    /// <inheritdoc />
    public void EnsureModel(string name)
    {
        var folder = Path.Combine(_models, RegistryNames.Model(name));
        if (File.Exists(Path.Combine(folder, "meta.yaml"))) return;
        Directory.CreateDirectory(folder);
        var now = Now();
        WriteModelMeta(folder, name, now, now, null);
    }

    /// <inheritdoc />
    public ModelVersion CreateVersion(string name, string source, string runId)
    {
        var folder = ModelFolder(name);
        var number = VersionNumbers(folder).DefaultIfEmpty(0).Max() + 1;
        var versionFolder = Path.Combine(folder, $"version-{number}");
        Directory.CreateDirectory(versionFolder);
        var now = Now();
        Write(Path.Combine(versionFolder, "meta.yaml"), new JsonObject
        {
            ["aliases"] = new JsonArray(),
            ["creation_timestamp"] = now,
            ["current_stage"] = "None",
            ["description"] = null,
            ["last_updated_timestamp"] = now,
            ["name"] = name,
            ["run_id"] = runId,
            ["run_link"] = null,
            ["source"] = source,
            ["status"] = "READY",
            ["status_message"] = null,
            ["storage_location"] = source,
            ["user_id"] = null,
            ["version"] = number,
        });
        var meta = Read(Path.Combine(folder, "meta.yaml"));
        WriteModelMeta(folder, name, Long(meta, "creation_timestamp"), now, meta.GetValueOrDefault("description"));
        return GetVersion(name, number.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public ModelVersion GetVersion(string name, string version)
    {
        var folder = ModelFolder(name);
        var meta = Path.Combine(folder, $"version-{RegistryNames.Version(version)}", "meta.yaml");
        if (!File.Exists(meta))
            throw new MlflowException($"Version {version} of registered model '{name}' does not exist in {Uri}; " +
                "'dotnet lightning models show NAME' lists its versions.", "RESOURCE_DOES_NOT_EXIST", 404);
        var fields = Read(meta);
        var number = fields.GetValueOrDefault("version") ?? version;
        return new ModelVersion(name, number, fields.GetValueOrDefault("source") ?? "", fields.GetValueOrDefault("run_id") ?? "",
            fields.GetValueOrDefault("status") ?? "READY", fields.GetValueOrDefault("status_message"),
            fields.GetValueOrDefault("current_stage") ?? "None",
            fields.GetValueOrDefault("description") ?? "", Long(fields, "creation_timestamp"), Long(fields, "last_updated_timestamp"),
            [.. Aliases(folder).Where(a => a.Value == number).Select(a => a.Key)]);
    }

    /// <inheritdoc />
    public ModelVersion GetByAlias(string name, string alias)
    {
        var folder = ModelFolder(name);
        var aliases = Aliases(folder);
        if (aliases.TryGetValue(alias, out var version)) return GetVersion(name, version);
        // The aliases it does have, so a typo is seen at once.
        var known = aliases.Count == 0
            ? $"it has none yet: dotnet lightning models alias {name} {alias} VERSION sets one"
            : "its aliases: " + string.Join(", ", aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} (version {a.Value})"));
        throw new MlflowException($"Registered model '{name}' has no alias '{alias}' in {Uri}; {known}.", "INVALID_PARAMETER_VALUE", 400);
    }

    /// <inheritdoc />
    public void SetAlias(string name, string alias, string version)
    {
        RegistryNames.Alias(alias);
        var folder = ModelFolder(name);
        GetVersion(name, version);
        Directory.CreateDirectory(Path.Combine(folder, "aliases"));
        File.WriteAllText(Path.Combine(folder, "aliases", alias), RegistryNames.Version(version));
        var meta = Read(Path.Combine(folder, "meta.yaml"));
        WriteModelMeta(folder, name, Long(meta, "creation_timestamp"), Long(meta, "last_updated_timestamp"), meta.GetValueOrDefault("description"));
    }

    /// <inheritdoc />
    public RegisteredModel GetModel(string name)
    {
        var folder = ModelFolder(name);
        var meta = Read(Path.Combine(folder, "meta.yaml"));
        var versions = VersionNumbers(folder).Order().Select(n => GetVersion(name, n.ToString(CultureInfo.InvariantCulture))).ToList();
        var tags = Path.Combine(folder, "tags");
        return new RegisteredModel(name, meta.GetValueOrDefault("description") ?? "", Long(meta, "creation_timestamp"),
            Long(meta, "last_updated_timestamp"),
            // As MLflow: the newest version of each stage.
            [.. versions.GroupBy(v => v.Stage).Select(g => g.Last()).OrderBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture))],
            Directory.Exists(tags)
                ? Directory.EnumerateFiles(tags).ToDictionary(f => Path.GetFileName(f), File.ReadAllText)
                : new Dictionary<string, string>(),
            Aliases(folder));
    }

    /// <inheritdoc />
    public IReadOnlyList<RegisteredModel> Models() => !Directory.Exists(_models) ? []
        : [.. Directory.EnumerateDirectories(_models).Where(d => File.Exists(Path.Combine(d, "meta.yaml")))
            .Select(d => GetModel(Path.GetFileName(d))).OrderBy(m => m.Name, StringComparer.Ordinal)];

    /// <inheritdoc />
    public IReadOnlyList<ModelVersion> Versions(string name) =>
        [.. VersionNumbers(ModelFolder(name)).Order().Select(n => GetVersion(name, n.ToString(CultureInfo.InvariantCulture)))];

    private string ModelFolder(string name)
    {
        var folder = Path.Combine(_models, RegistryNames.Model(name));
        return File.Exists(Path.Combine(folder, "meta.yaml")) ? folder
            : throw new MlflowException($"The registered model '{name}' does not exist in {Uri}; 'dotnet lightning models list' shows what does.",
                "RESOURCE_DOES_NOT_EXIST", 404);
    }

    // The model's meta.yaml carries a copy of the aliases map, refreshed whenever it is written (as MLflow's writer does).
    private static void WriteModelMeta(string folder, string name, long created, long updated, string? description)
    {
        var aliases = new JsonObject();
        foreach (var (alias, version) in Aliases(folder).OrderBy(a => a.Key, StringComparer.Ordinal)) aliases[alias] = version;
        Write(Path.Combine(folder, "meta.yaml"), new JsonObject
        {
            ["aliases"] = aliases,
            ["creation_timestamp"] = created,
            ["description"] = description,
            ["last_updated_timestamp"] = updated,
            ["name"] = name,
        });
    }

    private static Dictionary<string, string> Aliases(string folder)
    {
        var aliases = Path.Combine(folder, "aliases");
        return Directory.Exists(aliases)
            ? Directory.EnumerateFiles(aliases).ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f).Trim())
            : [];
    }

    private static IEnumerable<long> VersionNumbers(string folder) =>
        Directory.EnumerateDirectories(folder, "version-*")
            .Select(d => long.TryParse(Path.GetFileName(d)["version-".Length..], CultureInfo.InvariantCulture, out var n) ? n : 0)
            .Where(n => n > 0);

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static long Long(Dictionary<string, string?> fields, string key) =>
        long.TryParse(fields.GetValueOrDefault(key), CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static void Write(string path, JsonObject fields)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, PythonYaml.Write(fields));
        File.Move(temporary, path, overwrite: true);
    }

    // Top-level scalars only (nested maps such as the aliases copy are read from their own files).
    private static Dictionary<string, string?> Read(string path)
    {
        var result = new Dictionary<string, string?>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(' ')) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            var raw = line[(colon + 1)..].Trim();
            result[line[..colon]] = raw is "null" or "" or "~" ? null
                : raw.StartsWith('\'') ? raw[1..^1].Replace("''", "'", StringComparison.Ordinal)
                : raw.StartsWith('"') ? raw[1..^1] : raw;
        }
        return result;
    }
}
