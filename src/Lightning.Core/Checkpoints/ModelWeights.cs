using System.Security.Cryptography;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Lightning.Core.Checkpoints;

/// <summary>Loads a logged model's <c>model.safetensors</c> into a module, with the checks a checkpoint's weights get.</summary>
public static class ModelWeights
{
    /// <summary>
    /// Copies the weights in <paramref name="path"/> into <paramref name="module"/>; when <paramref name="sha256"/> is
    /// given the file must hash to it (the checksum its checkpoint recorded).
    /// </summary>
    /// <exception cref="CheckpointException">Missing, modified, or of another architecture.</exception>
    public static void LoadInto(nn.Module module, string path, string? sha256 = null)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new CheckpointException($"Model weights '{full}' do not exist.");
        var bytes = File.ReadAllBytes(full);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha256 is not null && !string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
            throw new CheckpointException($"Model weights '{full}' failed their integrity check: SHA-256 {actual[..12]}… " +
                $"but {sha256[..Math.Min(12, sha256.Length)]}… was recorded; download the model again.");
        new LoadedCheckpoint(full, bytes, null, [], new JsonObject()).LoadWeightsInto(module);
    }
}
