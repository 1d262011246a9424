using System.Reflection;
using System.Text.Json.Nodes;

namespace Lightning.Core.Checkpoints;

/// <summary>Library versions recorded in checkpoints and shown by doctor.</summary>
public static class VersionInfo
{
    /// <summary>This library's version.</summary>
    public static string Lightning => Version(typeof(VersionInfo).Assembly);

    /// <summary>TorchSharp's assembly version.</summary>
    public static string TorchSharp => Version(typeof(TorchSharp.torch).Assembly);

    /// <summary>The libtorch version TorchSharp was built for.</summary>
    public static string LibTorch => TorchSharp_torch_version();

    /// <summary>The versions as a JSON object.</summary>
    public static JsonObject ToJson() => new()
    {
        ["lightning"] = Lightning,
        ["torchsharp"] = TorchSharp,
        ["libtorch"] = LibTorch,
        ["dotnet"] = Environment.Version.ToString(),
    };

    private static string TorchSharp_torch_version() => global::TorchSharp.torch.__version__;

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
