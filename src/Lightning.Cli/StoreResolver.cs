using Lightning.Core.Configuration;
using Lightning.Hosting.Configuration;
using Lightning.Mlflow;

namespace Lightning.Cli;

/// <summary>The tracking store the tool reads: --tracking-uri, else MLFLOW_TRACKING_URI, else lightning.yaml's tracking.uri, else ./mlruns.</summary>
internal static class StoreResolver
{
    public static TrackingTarget Resolve(string? given, string folder)
    {
        string? fromYaml = null;
        var yaml = Path.Combine(folder, "lightning.yaml");
        if (given is null && File.Exists(yaml))
            fromYaml = ConfigSources.FromYamlFile(yaml).FirstOrDefault(e => e.NormalizedKey == "tracking.uri")?.Value;
        return TrackingTarget.Resolve(given ?? fromYaml, Environment.GetEnvironmentVariable(TrackingTarget.UriVariable), folder);
    }
}
