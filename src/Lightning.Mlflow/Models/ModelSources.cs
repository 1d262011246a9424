using System.Security.Cryptography;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using YamlDotNet.RepresentationModel;

namespace Lightning.Mlflow.Models;

/// <summary>
/// Brings a logged model to this machine: <c>models:/NAME/VERSION</c>, <c>models:/NAME@ALIAS</c>, <c>runs:/ID/PATH</c>
/// or a folder. A server's files come through the artifact proxy into a cache keyed by the model's uuid and are checked
/// against the SHA-256 the checkpoint recorded for the weights, so a second load downloads only the MLmodel.
/// </summary>
public static class ModelSources
{
    /// <summary>The cache folder: <c>LIGHTNING_MODEL_CACHE</c>, else <c>~/.cache/lightning-dotnet/models</c>.</summary>
    public static string DefaultCache =>
        Environment.GetEnvironmentVariable("LIGHTNING_MODEL_CACHE") is { Length: > 0 } cache ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lightning-dotnet", "models");

    /// <summary>The model <paramref name="uri"/> names, in <paramref name="store"/> (and its registry).</summary>
    /// <exception cref="MlflowException">Unknown model, version, alias or run; not a Lightning model; damaged download.</exception>
    public static LocalModel Fetch(string uri, IRunStore store, string? cacheRoot = null)
    {
        if (Directory.Exists(uri)) return FromFolder(Path.GetFullPath(uri), uri);
        var source = Resolve(uri, store);
        var description = source == uri ? uri : $"{uri} ({source})";
        if (source.StartsWith("file:", StringComparison.Ordinal) || source.StartsWith('/'))
        {
            var folder = source.StartsWith('/') ? source : new Uri(source).LocalPath;
            if (!Directory.Exists(folder))
                throw new MlflowException($"The files of {uri} are missing: {folder} does not exist.", "RESOURCE_DOES_NOT_EXIST", 404);
            return FromFolder(folder, description);
        }
        if (!source.StartsWith("mlflow-artifacts:", StringComparison.Ordinal) || store is not RestStore rest)
            throw new MlflowException($"{uri} resolves to {source}, which this client cannot download (only mlflow-artifacts: and file: sources).",
                "INVALID_PARAMETER_VALUE", 400);
        return Download(rest, source.TrimEnd('/'), description, cacheRoot ?? DefaultCache);
    }

    // models:/ goes through the registry; runs:/ through the run's artifact root (as MLflow's client resolves both).
    private static string Resolve(string uri, IRunStore store)
    {
        if (uri.StartsWith("models:/", StringComparison.Ordinal))
        {
            var rest = uri["models:/".Length..].TrimEnd('/');
            var registry = ModelRegistries.For(store);
            var at = rest.LastIndexOf('@');
            var slash = rest.LastIndexOf('/');
            var version = at > 0 ? registry.GetByAlias(rest[..at], rest[(at + 1)..])
                : slash > 0 ? registry.GetVersion(rest[..slash], rest[(slash + 1)..])
                : throw new MlflowException($"'{uri}' names no version: write models:/NAME/VERSION or models:/NAME@ALIAS.",
                    "INVALID_PARAMETER_VALUE", 400);
            return version.Source.StartsWith("runs:/", StringComparison.Ordinal) ? Resolve(version.Source, store) : version.Source;
        }
        if (uri.StartsWith("runs:/", StringComparison.Ordinal))
        {
            var parts = uri["runs:/".Length..].Split('/', 2);
            var run = store.FindRun(parts[0])
                ?? throw new MlflowException($"Run {parts[0]} of '{uri}' does not exist in {store.Uri}.", "RESOURCE_DOES_NOT_EXIST", 404);
            return $"{run.Run.ArtifactUri.TrimEnd('/')}/{(parts.Length > 1 ? parts[1].Trim('/') : ModelPackage.ArtifactPath)}";
        }
        throw new MlflowException($"'{uri}' is not a model: give models:/NAME/VERSION, models:/NAME@ALIAS, runs:/RUN_ID/model or a folder.",
            "INVALID_PARAMETER_VALUE", 400);
    }

    private static LocalModel FromFolder(string folder, string description)
    {
        var mlmodel = Path.Combine(folder, MlModelFile.FileName);
        var (type, sha, _) = File.Exists(mlmodel) ? Flavor(File.ReadAllText(mlmodel), description) : (null, null, null);
        return new LocalModel(folder, type, sha, description);
    }

    private static LocalModel Download(RestStore store, string source, string description, string cacheRoot)
    {
        var text = System.Text.Encoding.UTF8.GetString(store.Download($"{source}/{MlModelFile.FileName}"));
        var (type, sha, uuid) = Flavor(text, description);
        var folder = Path.Combine(cacheRoot, uuid ?? Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source))));
        var weights = Path.Combine(folder, ModelPackage.WeightsFile);
        if (!(File.Exists(weights) && File.Exists(Path.Combine(folder, ModelPackage.ConfigFile)) && Sha(File.ReadAllBytes(weights)) == sha))
        {
            // Downloaded beside the cache entry and moved in whole, so a broken download never looks cached.
            var staging = $"{folder}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            Directory.CreateDirectory(staging);
            var bytes = store.Download($"{source}/{ModelPackage.WeightsFile}");
            if (sha is not null && Sha(bytes) != sha)
                throw new MlflowException($"The weights of {description} failed their integrity check: SHA-256 {Sha(bytes)[..12]}… " +
                    $"but {sha[..Math.Min(12, sha.Length)]}… was recorded when the model was logged.", "INVALID_STATE");
            File.WriteAllBytes(Path.Combine(staging, ModelPackage.WeightsFile), bytes);
            File.WriteAllBytes(Path.Combine(staging, ModelPackage.ConfigFile), store.Download($"{source}/{ModelPackage.ConfigFile}"));
            File.WriteAllText(Path.Combine(staging, MlModelFile.FileName), text);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            Directory.Move(staging, folder);
        }
        return new LocalModel(folder, type, sha, description);
    }

    // The lightning_dotnet flavor's module type and weights checksum, and the model's uuid.
    private static (string? Type, string? Sha, string? Uuid) Flavor(string mlmodel, string description)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(mlmodel));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { } text } && text != "null"
                ? text : null;
        if (!root.Children.TryGetValue(new YamlScalarNode("flavors"), out var flavors) || flavors is not YamlMappingNode map
            || !map.Children.TryGetValue(new YamlScalarNode(MlModelFile.Flavor), out var flavor) || flavor is not YamlMappingNode ours)
            throw new MlflowException($"{description} is not a Lightning for .NET model: its MLmodel has no '{MlModelFile.Flavor}' flavor.",
                "INVALID_PARAMETER_VALUE", 400);
        return (Scalar(ours, "module_type"), Scalar(ours, "weights_sha256"), Scalar(root, "model_uuid"));
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
