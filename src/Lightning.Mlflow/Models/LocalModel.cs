namespace Lightning.Mlflow.Models;

/// <summary>A logged model on this machine: its folder and what its MLmodel says.</summary>
/// <param name="Folder">Holds MLmodel, model.safetensors and config.yaml.</param>
/// <param name="ModuleType">The module's full type name (flavor <c>lightning_dotnet</c>), or null for a bare folder.</param>
/// <param name="WeightsSha256">The SHA-256 the weights must have, or null when no MLmodel recorded one.</param>
/// <param name="Description">The URI and what it resolved to, for messages and tags.</param>
public sealed record LocalModel(string Folder, string? ModuleType, string? WeightsSha256, string Description)
{
    /// <summary>The weights file.</summary>
    public string WeightsPath => Path.Combine(Folder, Core.Tracking.ModelPackage.WeightsFile);

    /// <summary>The configuration file.</summary>
    public string ConfigPath => Path.Combine(Folder, Core.Tracking.ModelPackage.ConfigFile);
}
